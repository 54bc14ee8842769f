import { defineExporter } from '../../../src/formats/types.js';
import { ACME_AUTH } from './contract.js';
import { encodeAcme } from './encode.js';

export const acmeExporter = defineExporter({ signals: ['traces'], auth: ACME_AUTH, encode: encodeAcme });
