import type { ConnectionStatus, Serializer } from '@forno/core';
import { BaseCacheRepository, type RawCommands } from '@forno/core/backend';

/**
 * Test support: a real `BaseCacheRepository` over an in-memory byte store that implements `get`
 * and `set` only, replying like the driver does (strings to text serializers, Buffers to binary
 * ones). It shows what users see through a repository: the error wrapping, the key in errors, and
 * that nothing is sent when serialization fails.
 */
export class HarnessRepository extends BaseCacheRepository {
  /** Raw commands that reached the "server". */
  readonly sent: string[];

  constructor(store: Map<string, Buffer>, serializer: Serializer) {
    const sent: string[] = [];
    super(byteStore(store, serializer.format, sent), { serializer });
    this.sent = sent;
  }

  get status(): ConnectionStatus {
    return 'ready';
  }

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {}
}

function byteStore(store: Map<string, Buffer>, format: 'text' | 'binary', sent: string[]): RawCommands {
  const commands: Partial<RawCommands> = {
    async get(key) {
      sent.push(`get ${key}`);
      const bytes = store.get(key);
      if (bytes === undefined) return null;
      return format === 'binary' ? Buffer.from(bytes) : bytes.toString('utf8');
    },
    async set(key, value) {
      sent.push(`set ${key}`);
      store.set(key, typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value));
      return true;
    },
  };
  return new Proxy(commands as RawCommands, {
    get(target, name) {
      const command = Reflect.get(target, name);
      if (command === undefined && typeof name === 'string') {
        throw new Error(`HarnessRepository does not implement ${name}`);
      }
      return command;
    },
  });
}
