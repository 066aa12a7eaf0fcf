/**
 * Package locations as they may be stored or shown. A URL can carry a secret in its user and
 * password (basic auth) or its query string and fragment (signed-URL tokens such as
 * `X-Amz-Signature`, SAS `sig`): the CLI, Pulumi and CDKTF keep and print only the redacted form,
 * and the real URL travels only to the request that needs it.
 */

/** A scheme followed by `//`: what is read as a URL rather than a path. */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The location as it may appear in messages, state and configuration: a URL without its user,
 * password, query string or fragment (each secret part becomes `…`); a path is unchanged.
 * @example redactUrl('https://u:p@host/a.ova?X-Amz-Signature=1') // 'https://host/a.ova?…'
 */
export function redactUrl(location: URL | string): string {
  if (typeof location === 'string' && !URL_LIKE.test(location)) return location;
  let url: URL;
  try {
    url = new URL(String(location));
  } catch {
    return '<invalid URL>';
  }
  // Written out rather than through URL.toString(), which would percent-encode the ellipsis.
  return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}${url.hash ? '#…' : ''}`;
}

/**
 * True when a location is a URL with a user or a password (`user@host`, `:pass@host`,
 * `user:pass@host`), or a URL that does not parse (its credentials cannot be told apart, so it
 * cannot be stored or shown safely). An `@` elsewhere (`/a%40b.ova`, `?to=a@b`) and an empty
 * user part (`https://@host/`) carry none. Pulumi refuses such a `source` (its inputs are kept in
 * the state); a query token it keeps as a secret input.
 * @example urlCarriesCredentials('https://ci:tok@host/a.ova') // true
 */
export function urlCarriesCredentials(location: string): boolean {
  return credentialsIn(parsedUrl(location));
}

/**
 * True when a location is a URL with a user, password, query string or fragment (or a URL that
 * does not parse, which cannot be shown safely): what {@link redactUrl} would hide.
 */
export function urlCarriesSecret(location: string): boolean {
  const url = parsedUrl(location);
  return credentialsIn(url) || (url instanceof URL && (url.search !== '' || url.hash !== ''));
}

/** {@link urlCarriesCredentials} of a parsed location. */
function credentialsIn(url: URL | 'invalid' | undefined): boolean {
  return url === 'invalid' || (url !== undefined && (url.username !== '' || url.password !== ''));
}

/** The location as a URL; undefined for a path, 'invalid' for a URL that does not parse. */
function parsedUrl(location: string): URL | 'invalid' | undefined {
  if (!URL_LIKE.test(location)) return undefined;
  try {
    return new URL(location);
  } catch {
    return 'invalid';
  }
}
