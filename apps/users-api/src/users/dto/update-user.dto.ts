import { IsOmittable } from '@app/common';
import { EmailField, NameField, PasswordField } from './user-fields.js';

/** Each field may be left out; none may be null (the columns are NOT NULL). */
export class UpdateUserDto {
  @IsOmittable()
  @EmailField()
  email?: string;

  @IsOmittable()
  @NameField()
  name?: string;

  @IsOmittable()
  @PasswordField()
  password?: string;
}
