import type { UserView } from '../cache/users-cache.js';
import type { User } from './user.entity.js';

export function toUserView(user: User): UserView {
  return { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt.toISOString() };
}
