import { REDACTED } from './redaction-defaults.js';
import { AttributeRedactor } from './attribute-redactor.js';

describe('AttributeRedactor', () => {
  const redactor = new AttributeRedactor();

  it.each([
    'user.password',
    'passwd',
    'db.password',
    'client_secret',
    'auth.token',
    'refresh_token',
    'x-api-key',
    'apiKey',
    'http.request.header.authorization',
    'http.request.header.cookie',
    'http.response.header.set-cookie',
  ])('redacts the value of %s', (key) => {
    expect(redactor.redact({ [key]: 'hunter2' })).toEqual({ [key]: REDACTED });
  });

  it('leaves other values and returns the same object when nothing is secret', () => {
    const attributes = { 'http.route': '/users/:id', 'user.id': 7, 'db.query.text': 'SELECT $1' };
    expect(redactor.redact(attributes)).toBe(attributes);
  });

  it('copies instead of mutating when something is secret', () => {
    const attributes = { 'user.email': 'a@b.c', 'user.password': 'pw' };
    const redacted = redactor.redact(attributes);
    expect(redacted).toEqual({ 'user.email': 'a@b.c', 'user.password': REDACTED });
    expect(attributes['user.password']).toBe('pw');
  });

  it('masks secret query parameters and URL passwords inside URL attributes', () => {
    const redacted = redactor.redact({
      'url.full': 'https://api.example.com/cb?code=1&access_token=abc&page=2',
      'url.query': 'apiKey=xyz&sort=asc',
      'http.target': '/login?password=pw',
      'db.connection.url': 'postgres://app:s3cret@db:5432/app',
    });
    expect(redacted).toEqual({
      'url.full': `https://api.example.com/cb?code=${REDACTED}&access_token=${REDACTED}&page=2`,
      'url.query': `apiKey=${REDACTED}&sort=asc`,
      'http.target': `/login?password=${REDACTED}`,
      'db.connection.url': `postgres://app:${REDACTED}@db:5432/app`,
    });
  });

  it('masks query parameters that carry credentials by convention, matched whole', () => {
    const query = 'pwd=a&auth=b&sig=c&Session=d&jwt=e&key=f&X-Amz-Signature=g&session_id=h&monkey=1&keyboard=2&page=3';
    expect(redactor.redact({ 'url.query': query })).toEqual({
      'url.query': `pwd=${REDACTED}&auth=${REDACTED}&sig=${REDACTED}&Session=${REDACTED}&jwt=${REDACTED}&key=${REDACTED}&X-Amz-Signature=${REDACTED}&session_id=${REDACTED}&monkey=1&keyboard=2&page=3`,
    });
    // Only inside URLs: an attribute named `cache.key` or `session.id` is not a secret.
    expect(redactor.redact({ 'cache.key': 'users:1', 'session.id': 's' })).toEqual({ 'cache.key': 'users:1', 'session.id': 's' });
  });

  it('extends the query parameter names with the module option', () => {
    const custom = new AttributeRedactor();
    custom.addQueryParameters(['otp']);
    expect(custom.redact({ 'url.query': 'otp=123456&page=1' })).toEqual({ 'url.query': `otp=${REDACTED}&page=1` });
  });

  it('returns URL attributes without a password or a parameter untouched', () => {
    const attributes = { 'url.path': '/users/7', 'url.full': 'http://users-api:3000/users/7', 'http.route': '/users/:id' };
    expect(redactor.redact(attributes)).toBe(attributes);
  });

  it('extends the secret keys with the module option', () => {
    const custom = new AttributeRedactor();
    custom.addKeys(['ssn']);
    expect(custom.redact({ 'user.ssn': '123', 'user.name': 'x' })).toEqual({ 'user.ssn': REDACTED, 'user.name': 'x' });
  });

  it('reconsiders keys it already judged when keys are added later', () => {
    const custom = new AttributeRedactor();
    // Seen before the module's options arrive (a span at startup): judged not secret, and remembered.
    expect(custom.redact({ 'user.ssn': '123' })).toEqual({ 'user.ssn': '123' });
    expect(custom.isSecretKey('ssn')).toBe(false);
    custom.addKeys(['ssn']);
    expect(custom.redact({ 'user.ssn': '123' })).toEqual({ 'user.ssn': REDACTED });
    expect(custom.isSecretKey('ssn')).toBe(true);
  });
});
