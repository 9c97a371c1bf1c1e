// The report checker for CI:
//   npx tsx packages/eval/src/check-cli.ts <report dir>
// Exits 0 when every table, number and figure is fine; 1 with the list of problems otherwise.
import { isMainModule } from '@sgvae/data';
import { checkReport } from './report/check-report.ts';

export async function runCheckCli(argv: readonly string[], io: { out: (l: string) => void; err: (l: string) => void }): Promise<number> {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    io.err('usage: npx tsx packages/eval/src/check-cli.ts <report dir>');
    return 2;
  }
  const check = await checkReport(argv[0]);
  if (check.problems.length > 0) {
    io.err(`report ${argv[0]} failed ${check.problems.length} check(s):`);
    for (const p of check.problems) io.err(`  - ${p}`);
    return 1;
  }
  io.out(`report ${argv[0]}: ${check.tables} tables and ${check.figures} figures pass`);
  return 0;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await runCheckCli(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  });
}
