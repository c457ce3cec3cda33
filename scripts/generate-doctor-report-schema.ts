// Writes schemas/doctor-report.schema.json from the zod schema of
// `lookaside doctor --json` (src/cli/doctor/doctor-report-schema.ts).
// Run after changing the report: npm run generate:schemas. A test fails
// while the file is stale.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { doctorReportJsonSchema } from '../src/cli/doctor/doctor-report-schema.js';

const target = fileURLToPath(new URL('../schemas/doctor-report.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(doctorReportJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
