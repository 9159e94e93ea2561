import { Body, Controller, Get, type INestApplication, Post, Query } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Max, ValidateNested } from 'class-validator';
import request from 'supertest';
import { createValidationPipe, DecimalInteger, IsEmailAddress, IsOmittable, IsPlainText, MAX_BODY_DEPTH, RequestShapePipe } from './validation.js';

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
    await request(app.getHttpServer())
      .post('/signup')
      .send({ email: 'a@b.co', age: 30, address: { city: 'Oslo' } })
      .expect(201);
  });
});

class ProfileDto {
  @IsString()
  @IsPlainText()
  name!: string;

  @IsOptional()
  @IsEmailAddress()
  email?: string;

  @IsOmittable()
  @IsString()
  @IsPlainText({ multiline: true })
  bio?: string;
}

class PageQuery {
  @IsOptional()
  @DecimalInteger()
  @IsInt()
  @Max(1_000)
  offset = 0;
}

@Controller()
class ProfileController {
  @Post('profile')
  save(@Body() body: ProfileDto) {
    return body;
  }

  @Get('page')
  page(@Query() query: PageQuery) {
    return query;
  }
}

describe('RequestShapePipe, IsPlainText, IsOmittable and DecimalInteger', () => {
  let app: INestApplication;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProfileController] }).compile();
    const express = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    // As bootstrapApp parses: any JSON value, for the pipe to judge.
    express.useBodyParser('json', { strict: false });
    app = express;
    app.useGlobalPipes(new RequestShapePipe(), createValidationPipe());
    await app.init();
  });
  afterAll(() => app.close());

  const post = (body: string) => request(app.getHttpServer()).post('/profile').set('content-type', 'application/json').send(body);

  it('refuses JSON nested deeper than the limit, before class-transformer recurses into it', async () => {
    const deep = `{"name":"a","extra":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    const response = await post(deep).expect(400);
    expect(Object.keys(response.body.fields)).toEqual([`extra${'.0'.repeat(MAX_BODY_DEPTH - 1)}`]);
    await post(JSON.stringify({ name: 'a', bio: 'b' })).expect(201);
  });

  it.each(['constructor', 'prototype', '__proto__'])('refuses a %s key at any depth, naming it', async (key) => {
    const top = await post(`{"name":"a","${key}":{"x":1}}`).expect(400);
    expect(top.body.fields).toEqual({ [key]: [`property ${key} should not exist`] });
    await post(`{"name":"a","bio":"b","nested":{"${key}":1}}`).expect(400);
  });

  it('refuses a top-level value that is not an object', async () => {
    for (const body of ['[1]', '"text"', 'null', '7']) {
      const response = await post(body).expect(400);
      expect(response.body.message).toBe('body must be a JSON object');
    }
  });

  it('refuses control characters and lone surrogates; multiline text allows line breaks', async () => {
    for (const name of ['a\u0000b', 'a\nb', 'a\u001bb', 'a\u0085b', 'a\ud800b', '\udc00']) {
      const response = await post(JSON.stringify({ name })).expect(400);
      expect(response.body.fields).toEqual({ name: ['name must be well-formed text without control characters'] });
    }
    await post(JSON.stringify({ name: 'Zoë 🙂', bio: 'line one\r\n\tline two' })).expect(201);
    await post(JSON.stringify({ name: 'a', bio: 'a\u0000' })).expect(400);
  });

  it('refuses an email with a lone surrogate as not an email, where validator.js would throw', async () => {
    for (const email of ['x\udfff', 'a\ud800@example.com']) {
      const response = await post(JSON.stringify({ name: 'a', email })).expect(400);
      expect(response.body.fields).toEqual({ email: ['email must be an email'] });
    }
    await post(JSON.stringify({ name: 'a', email: 'ok@example.com' })).expect(201);
  });

  it('lets an omittable field be left out, not nulled', async () => {
    await post(JSON.stringify({ name: 'a' })).expect(201);
    const response = await post(JSON.stringify({ name: 'a', bio: null })).expect(400);
    expect(Object.keys(response.body.fields)).toEqual(['bio']);
  });

  it('takes query numbers in plain decimal only', async () => {
    await request(app.getHttpServer()).get('/page?offset=16').expect(200, { offset: 16 });
    for (const raw of ['0x10', '+16', '%2016', '1e1', '1.5', '-1', '16&offset=17', '99999999999999999999']) {
      const response = await request(app.getHttpServer()).get(`/page?offset=${raw}`).expect(400);
      expect(Object.keys(response.body.fields)).toEqual(['offset']);
    }
  });
});
