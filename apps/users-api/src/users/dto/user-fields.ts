import { applyDecorators } from '@nestjs/common';
import { IsEmailAddress, IsPlainText } from '@app/common';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const normaliseEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** Trimmed and lower-cased; the column holds 320 characters. */
export const EmailField = () => applyDecorators(Transform(normaliseEmail), IsEmailAddress(), IsPlainText(), MaxLength(320));

/** Trimmed; one line of text, as the column's 200 characters. */
export const NameField = () => applyDecorators(Transform(trim), IsString(), IsNotEmpty(), IsPlainText(), MaxLength(200));

/** Any printable text of 8 to 200 characters; only its scrypt hash is stored. */
export const PasswordField = () => applyDecorators(IsString(), IsPlainText(), MinLength(8), MaxLength(200));
