import { EmailField, NameField, PasswordField } from './user-fields.js';

export class CreateUserDto {
  @EmailField()
  email!: string;

  @NameField()
  name!: string;

  @PasswordField()
  password!: string;
}
