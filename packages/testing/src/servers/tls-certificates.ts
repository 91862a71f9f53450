import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway CA and a server certificate it signed, as PEM text and as files. */
export interface TlsCertificates {
  /** Directory holding the files; removed by `remove()`. */
  readonly dir: string;
  /** The CA certificate (PEM): what a client trusts. */
  readonly ca: string;
  readonly caFile: string;
  /** The server certificate (PEM), for `localhost` and `127.0.0.1`. */
  readonly cert: string;
  readonly certFile: string;
  /** The server's private key (PEM). */
  readonly key: string;
  readonly keyFile: string;
  /** `redis-server` options serving TLS on `port` with these files (clients are not asked for certificates). */
  tlsArgs(port: number): string[];
  /** Deletes the files. */
  remove(): Promise<void>;
}

/**
 * Generates, with `openssl` into a fresh temp dir, a CA valid for one day and a server certificate
 * it signed whose names are `localhost` and `127.0.0.1` (P-256 keys, fast to make). For TLS tests:
 * nothing is checked in, every run has its own keys.
 *
 * ```ts
 * const certs = await generateTlsCertificates();
 * const tlsPort = await findFreePort();
 * const server = await startRedisServer({ args: certs.tlsArgs(tlsPort) }); // plaintext `port` too
 * ```
 */
export async function generateTlsCertificates(): Promise<TlsCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'forno-tls-'));
  const path = (name: string) => join(dir, name);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await openssl(
      ['req', '-x509', ...newKey, '-keyout', path('ca.key'), '-out', path('ca.crt')].concat([
        '-days',
        '1',
        '-subj',
        '/CN=Forno test CA',
      ]),
    );
    await openssl(
      ['req', ...newKey, '-keyout', path('server.key'), '-out', path('server.csr')].concat([
        '-subj',
        '/CN=localhost',
      ]),
    );
    await writeFile(path('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    await openssl([
      'x509',
      '-req',
      '-in',
      path('server.csr'),
      '-CA',
      path('ca.crt'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      path('server.ext'),
      '-out',
      path('server.crt'),
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const [ca, cert, key] = await Promise.all(
    ['ca.crt', 'server.crt', 'server.key'].map((name) => readFile(path(name), 'utf8')),
  );
  return {
    dir,
    ca: ca!,
    caFile: path('ca.crt'),
    cert: cert!,
    certFile: path('server.crt'),
    key: key!,
    keyFile: path('server.key'),
    tlsArgs: (port) => [
      '--tls-port',
      String(port),
      '--tls-cert-file',
      path('server.crt'),
      '--tls-key-file',
      path('server.key'),
      '--tls-ca-cert-file',
      path('ca.crt'),
      '--tls-auth-clients',
      'no',
    ],
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string };
    if (code === 'ENOENT')
      throw new Error('generateTlsCertificates needs openssl on PATH (apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${stderr ?? String(error)}`, { cause: error });
  }
}
