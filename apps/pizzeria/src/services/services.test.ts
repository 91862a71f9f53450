import { inMemoryBackend } from '../test-support/pizzeria-fixture.js';
import { describePizzeriaServices } from '../test-support/service-suite.js';

// The default backend: the in-memory fake, its TTLs on the suite's ManualClock (no sleeping).
describePizzeriaServices('services on the in-memory fake', inMemoryBackend);
