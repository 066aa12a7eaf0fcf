import * as assert from 'node:assert/strict';
import { redactUrl, urlCarriesCredentials, urlCarriesSecret } from './location';

describe('redactUrl / urlCarriesSecret (package locations as stored and shown)', () => {
  const cases: [string, string, boolean][] = [
    ['http://usr:PASSWD@127.0.0.1:8080/a/x.ova?X-Amz-Signature=TOKEN&X-Amz-Credential=K#FRAG', 'http://127.0.0.1:8080/a/x.ova?…#…', true],
    ['https://usr@host.example/x.ovf', 'https://host.example/x.ovf', true],
    ['https://host.example/x.ova?sig=abc', 'https://host.example/x.ova?…', true],
    ['https://host.example/x.ova#token', 'https://host.example/x.ova#…', true],
    ['https://host.example/dir%20name/x.ova', 'https://host.example/dir%20name/x.ova', false],
    ['/tmp/with?query@and:colon.ova', '/tmp/with?query@and:colon.ova', false],
    ['relative/x.ova', 'relative/x.ova', false],
    ['http://usr:PASS@exa mple/x.ova', '<invalid URL>', true],
  ];
  it('drops user, password, query and fragment of a URL, leaves a path alone, and says which carry a secret', () => {
    assert.deepEqual(cases.map(([u]) => [redactUrl(u), urlCarriesSecret(u)]), cases.map(([, r, s]) => [r, s]));
  });
  it('is stable on its own output (state written redacted compares equal on the next run)', () => {
    for (const [u] of cases) assert.equal(redactUrl(redactUrl(u)), redactUrl(u), u);
  });
  it('urlCarriesCredentials: a user or password (or a URL that does not parse); no query, fragment or @ outside the authority', () => {
    const credentials: [string, boolean][] = [
      ['https://usr@host.example/x.ovf', true],
      ['https://:PASS@host.example/x.ovf', true],
      ['https://usr:PASS@host.example/x.ovf', true],
      ['https://@host.example/x.ovf', false],
      ['https://host.example/a%40b.ova', false],
      ['https://host.example/a@b.ova', false],
      ['https://host.example/x.ova?to=a@b&sig=abc#frag', false],
      ['http://usr:PASS@exa mple/x.ova', true],
      ['http://exa mple/x.ova', true],
      ['/tmp/usr:PASS@host.ova', false],
    ];
    assert.deepEqual(credentials.map(([u]) => [u, urlCarriesCredentials(u)]), credentials);
    // urlCarriesSecret is the credentials and the query string and fragment.
    assert.deepEqual(credentials.map(([u]) => [u, urlCarriesSecret(u)]), credentials.map(([u, c]) => [u, c || u.includes('?')]));
  });
});
