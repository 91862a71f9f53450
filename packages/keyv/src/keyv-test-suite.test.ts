import { ResilientCacheRepository } from '@forno/resilience';
import { JsonSerializer } from '@forno/serialization';
import { MsgpackSerializer } from '@forno/serialization/msgpack';
import { InMemoryCacheRepository } from '@forno/testing';
import { describeKeyvSuite } from '../test/keyv-suite.js';

// Keyv's own compliance suite on the in-memory fake (TTLs on the system clock, which the suite's
// timekeeper moves), once with Keyv's serializer and once with Forno's.
describeKeyvSuite(
  'in-memory fake, JSON repository',
  async () => new InMemoryCacheRepository({ keyPrefix: 'keyv-suite:', serializer: new JsonSerializer() }),
  'keyv',
);
describeKeyvSuite(
  'in-memory fake, MessagePack repository',
  async () => new InMemoryCacheRepository({ keyPrefix: 'keyv-suite:', serializer: new MsgpackSerializer() }),
  'forno',
);
describeKeyvSuite(
  'ResilientCacheRepository over the in-memory fake',
  async () => new ResilientCacheRepository(new InMemoryCacheRepository({ keyPrefix: 'keyv-suite:' })),
  'keyv',
);
