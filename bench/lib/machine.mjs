// What the numbers were measured on: they mean little without it.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export function describeMachine() {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

export function machineLine(machine) {
  return (
    `nproc ${machine.nproc} (${machine.cpu}), ${machine.memoryGiB} GiB, node ${machine.node}, ` +
    `${machine.platform}, load average at start ${machine.loadAverage}`
  );
}
