/** A toy sixth vendor, built by following docs/architecture.md "How to add a vendor". */
import type { FormatDefinition } from '../../../src/formats/types.js';
import { acmeExporter } from './exporter.js';
import { acmeReceiver } from './receiver.js';

export const acmeFormat: FormatDefinition = { type: 'acme', receiver: acmeReceiver, exporter: acmeExporter };
