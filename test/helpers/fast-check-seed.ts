import fc from 'fast-check';

/**
 * Every property test runs from one seed, so a run is reproducible on any machine: the seed is
 * in every failure message (fast-check prints it), and FC_SEED=<n> explores another part of the
 * input space without changing a file.
 */
const seed = Number(process.env.FC_SEED ?? 20261202);
fc.configureGlobal({ seed });
