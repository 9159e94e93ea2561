/** Emitted once a new user and their welcome email are committed. */
export const USER_CREATED = 'user.created';

export interface UserCreated {
  id: string;
}
