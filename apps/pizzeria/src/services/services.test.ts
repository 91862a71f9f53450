import { inMemoryBackend } from '../../test/pizzeria-fixture.js';
import { describePizzeriaServices } from '../../test/service-suite.js';

// The default backend: the in-memory fake, its TTLs on the suite's ManualClock (no sleeping).
describePizzeriaServices('services on the in-memory fake', inMemoryBackend);
