import { open, readFile, unlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One process per persistent-queue directory. Two processes on one log would delete each other's
 * segments; the lock file (`LOCK`, holding the owner's pid and host) makes the second one refuse
 * to start instead. A lock whose owner is gone (kill -9, a crash) is stale and is taken over.
 */
export interface DirectoryLock {
  readonly path: string;
  release(): Promise<void>;
}

export class DirectoryLockedError extends Error {}

const LOCK_FILE = 'LOCK';

export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  const path = join(dir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }) + '\n';
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(mine);
        await fh.sync();
      } finally {
        await fh.close();
      }
      return { path, release: () => releaseIfMine(path) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = await readOwner(path);
    if (owner && isRunning(owner)) {
      throw new DirectoryLockedError(
        `persistent queue ${dir} is in use by process ${owner.pid}${owner.host ? ` on ${owner.host}` : ''} (lock file ${path}); ` +
          'give each Switchyard its own sending_queue.storage, or stop the other one',
      );
    }
    // Stale (its owner is gone) or unreadable (torn by a crash mid-write): take it over. Two
    // processes racing here both unlink, and only one wins the exclusive create above.
    await unlink(path).catch(() => {});
  }
  throw new DirectoryLockedError(`persistent queue ${dir}: could not take the lock file ${path}`);
}

interface Owner {
  pid: number;
  host?: string;
}

async function readOwner(path: string): Promise<Owner | undefined> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<Owner>;
    return typeof o.pid === 'number' && Number.isInteger(o.pid) && o.pid > 0 ? { pid: o.pid, host: o.host } : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(o: Owner): boolean {
  // A lock from another host (a shared volume) cannot be checked: assume its owner is alive.
  if (o.host && o.host !== hostname()) return true;
  if (o.pid === process.pid) return true;
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // The pid may have been reused by an unrelated program after a crash: only a Node process
  // can be a Switchyard. (Where /proc is missing, a live pid counts as the owner.)
  try {
    return /node|switchyard/i.test(readFileSync(`/proc/${o.pid}/cmdline`, 'latin1'));
  } catch {
    return true;
  }
}

async function releaseIfMine(path: string): Promise<void> {
  const owner = await readOwner(path);
  if (owner?.pid === process.pid) await unlink(path).catch(() => {});
}
