import * as assert from 'node:assert/strict';
import { proxyFor, proxySettingsFromEnv } from './proxy';

describe('proxy settings', () => {
  it('reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY, lowercase first, empty as unset', () => {
    assert.deepEqual(proxySettingsFromEnv({ HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2', HTTP_PROXY: '', no_proxy: '.corp' }), { httpsProxy: 'http://b:2', noProxy: '.corp' });
    assert.deepEqual(proxySettingsFromEnv({}), {});
  });

  it('picks the proxy by scheme and honours NO_PROXY entries: *, host, .domain, bare domain, host:port, IP', () => {
    const s = { httpsProxy: 'proxy:3128', httpProxy: 'http://plain:80', noProxy: 'vc.corp, .lab.example,example.org,10.0.0.1,build:8443' };
    const via = (u: string): string | undefined => proxyFor(new URL(u), s)?.href;
    assert.deepEqual(
      ['https://vc.corp/sdk', 'https://x.vc.corp/', 'https://esx1.lab.example/', 'https://lab.example/', 'https://a.example.org/', 'https://10.0.0.1/', 'https://10.0.0.2/', 'https://build:8443/', 'https://build/', 'http://files.example.com/a.ova', 'ftp://x/'].map(via),
      [undefined, undefined, undefined, undefined, undefined, undefined, 'http://proxy:3128/', undefined, 'http://proxy:3128/', 'http://plain/', undefined],
    );
    assert.equal(proxyFor(new URL('https://anything/'), { httpsProxy: 'http://p:1', noProxy: '*' }), undefined);
    assert.throws(() => proxyFor(new URL('https://x/'), { httpsProxy: 'https://user:pw@p:1' }), /only http:\/\/ proxies are supported, got https:\/\/p:1\//);
  });
});
