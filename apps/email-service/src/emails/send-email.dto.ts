import { IsEmailAddress, IsPlainText } from '@app/common';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class SendEmailDto {
  @IsEmailAddress()
  @IsPlainText()
  @MaxLength(320)
  to!: string;

  /** One line: a line break in a subject would forge mail headers. */
  @IsString()
  @IsNotEmpty()
  @IsPlainText()
  @MaxLength(200)
  subject!: string;

  @IsString()
  @IsPlainText({ multiline: true })
  @MaxLength(20_000)
  body!: string;
}
