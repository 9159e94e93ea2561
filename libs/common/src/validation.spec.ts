import { Body, Controller, type INestApplication, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsString, Max, ValidateNested } from 'class-validator';
import request from 'supertest';
import { createValidationPipe } from './validation.js';

class AddressDto {
  @IsString()
  city!: string;
}

class SignupDto {
  @IsEmail()
  email!: string;

  @IsInt()
  @Max(100)
  age!: number;

  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;
}

@Controller()
class SignupController {
  @Post('signup')
  signup(@Body() body: SignupDto) {
    return body;
  }
}

describe('createValidationPipe', () => {
  let app: INestApplication;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [SignupController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(createValidationPipe());
    await app.init();
  });
  afterAll(() => app.close());

  it('answers 400 naming every invalid, nested and unknown field', async () => {
    const response = await request(app.getHttpServer())
      .post('/signup')
      .send({ email: 'nope', age: 101, address: { city: 7 }, admin: true })
      .expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, message: 'Validation failed' });
    expect(Object.keys(response.body.fields).sort()).toEqual(['address.city', 'admin', 'age', 'email']);
    expect(response.body.fields.admin).toEqual(['property admin should not exist']);
  });

  it('passes a valid body through, transformed', async () => {
    await request(app.getHttpServer()).post('/signup').send({ email: 'a@b.co', age: 30, address: { city: 'Oslo' } }).expect(201);
  });
});
