import type { Logger } from './observe/logger.js';

/**
 * Signals other than SIGTERM/SIGINT must not end the process without a drain. Node's default for
 * SIGHUP and SIGUSR2 is to exit at once (losing what sits in memory queues), and for SIGUSR1 to
 * open the inspector on 127.0.0.1:9229 (anyone on the host could then run code in the process).
 * Installing a listener replaces both defaults: Node stops its own SIGUSR1 inspector trigger as
 * soon as JavaScript listens for the signal. Installed in the primary and in every worker.
 */
export function installSignalPolicy(logger: Logger): void {
  // SIGHUP will mean "reload the config" once reload exists; until then it is only noted.
  process.on('SIGHUP', () => logger.warn({ signal: 'SIGHUP' }, 'signal ignored (config reload is not supported yet)'));
  process.on('SIGUSR2', () => logger.warn({ signal: 'SIGUSR2' }, 'signal ignored'));
  process.on('SIGUSR1', () => logger.warn({ signal: 'SIGUSR1' }, 'signal ignored (the inspector is not opened on SIGUSR1)'));
}
