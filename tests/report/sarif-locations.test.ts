import { describe, expect, it } from 'vitest';
import { UriBases, automationIdAllocator, automationIdFor } from '../../src/report/sarif-locations.js';

describe('UriBases', () => {
  const bases = new UriBases('https://example.com/site', [
    'https://example.com/site/a',
    'https://b.example.net/x',
    'https://a.example.net/y',
  ]);

  it('never produces an empty, absolute or scheme-like reference', () => {
    expect(bases.locate('https://example.com/site/')).toEqual({ uri: './', uriBaseId: 'TARGET' });
    expect(bases.locate('https://example.com/site/?preview=1')).toEqual({ uri: './?preview=1', uriBaseId: 'TARGET' });
    expect(bases.locate('https://example.com/site//double')).toEqual({ uri: './/double', uriBaseId: 'TARGET' });
    expect(bases.locate('https://example.com/site/a:b/c')).toEqual({ uri: './a:b/c', uriBaseId: 'TARGET' });
    expect(bases.locate('https://example.com/site/a|b^c[1]#frag')).toEqual({ uri: 'a%7Cb%5Ec%5B1%5D', uriBaseId: 'TARGET' });
  });

  it('numbers other hosts by sorted origin', () => {
    expect(bases.locate('https://a.example.net/y').uriBaseId).toBe('HOST_1');
    expect(bases.locate('https://b.example.net/x').uriBaseId).toBe('HOST_2');
    const declared = bases.declarations([bases.locate('https://b.example.net/x')]);
    expect(declared).toEqual({ TARGET: { uri: 'https://example.com/site/' }, HOST_2: { uri: 'https://b.example.net/' } });
  });
});

describe('automation ids', () => {
  it('include host, port and a sanitised path, and end with "/"', () => {
    expect(automationIdFor('https://example.com')).toBe('draftleak/example.com/');
    expect(automationIdFor('http://localhost:8080/my site/?q=1')).toBe('draftleak/localhost:8080/my_20site/');
  });

  it('are made unique within one log', () => {
    const next = automationIdAllocator();
    expect([next('https://x.test/'), next('http://x.test/'), next('https://x.test')]).toEqual([
      'draftleak/x.test/',
      'draftleak/x.test~2/',
      'draftleak/x.test~3/',
    ]);
  });
});
