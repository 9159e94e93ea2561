import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import type { UserView } from '../cache/users-cache.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { ListUsersQuery } from './dto/list-users.query.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { type UserPage, UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@Body() user: CreateUserDto): Promise<UserView> {
    return this.users.create(user);
  }

  @Get()
  list(@Query() query: ListUsersQuery): Promise<UserPage> {
    return this.users.list(query);
  }

  @Get(':id')
  findOne(@Param('id') id: string): Promise<UserView> {
    return this.users.findOne(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() changes: UpdateUserDto): Promise<UserView> {
    return this.users.update(id, changes);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('id') id: string): Promise<void> {
    return this.users.remove(id);
  }
}
