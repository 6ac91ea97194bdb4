// Imported first by main.ts: tracing must be set up before Nest and the MongoDB driver load.
import { startTracing } from '@app/telemetry';

startTracing('customer-accounts-projector');
