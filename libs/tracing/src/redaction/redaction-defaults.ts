export const REDACTED = '[REDACTED]';
/** Matched against attribute keys with case and separators removed, so `api_key` and `X-Api-Key` both match `apikey`. */
export const DEFAULT_REDACTED_KEYS: readonly string[] = ['password', 'passwd', 'secret', 'token', 'apikey', 'authorization', 'cookie'];

/**
 * Query parameter names (case and separators ignored, matched whole) that carry credentials by
 * convention although no secret key fragment is in them: signed-URL signatures and credentials,
 * OAuth codes, session ids, short password and auth names. Matched in addition to the key fragments.
 */
export const DEFAULT_REDACTED_QUERY_PARAMETERS: readonly string[] = [
  'auth',
  'code',
  'credential',
  'jwt',
  'key',
  'pass',
  'pwd',
  'session',
  'sessionid',
  'sid',
  'sig',
  'signature',
  'xamzcredential',
  'xamzsignature',
  'xgoogcredential',
  'xgoogsignature',
];
