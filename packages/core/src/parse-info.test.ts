import { describe, expect, it } from 'vitest';
import { parseInfo } from './parse-info.js';

describe('parseInfo', () => {
  it('reads field:value lines and skips section headers and blank lines', () => {
    const text =
      '# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nslave0:ip=::1,port=1\r\n\r\n# CPU\r\n';
    expect(parseInfo(text)).toEqual({ role: 'slave', master_host: '127.0.0.1', slave0: 'ip=::1,port=1' });
  });
});
