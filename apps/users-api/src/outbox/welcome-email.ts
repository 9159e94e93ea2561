import type { WelcomeEmailPayload } from './outbox-message.entity.js';

export const WELCOME_EMAIL = 'welcome_email';

export function welcomeEmail(to: string, name: string): WelcomeEmailPayload {
  return {
    to,
    subject: `Welcome, ${name}!`,
    body: `Hello ${name},\n\nyour account is ready. Sign in with ${to}.\n`,
  };
}
