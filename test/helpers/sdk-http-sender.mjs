// Run as a child process (NODE_EXTRA_CA_CERTS is read only at process start): sends one span
// named argv[3] with the OpenTelemetry SDK's OTLP/HTTP protobuf exporter to argv[2], and exits
// 0 when the export succeeded, 1 otherwise.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [url, name] = process.argv.slice(2);
const exporter = new OTLPTraceExporter({ url });
let ok = false;
const wrapped = {
  export(spans, cb) {
    exporter.export(spans, (r) => {
      ok = r.code === 0;
      if (!ok) process.stderr.write(`export failed: ${r.error?.message}\n`);
      cb(r);
    });
  },
  shutdown: () => exporter.shutdown(),
  forceFlush: () => exporter.forceFlush(),
};
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(wrapped)] });
provider.getTracer('tls-test').startSpan(name).end();
await provider.forceFlush();
await provider.shutdown();
process.exit(ok ? 0 : 1);
