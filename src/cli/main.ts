const HELP = `switchyard — many LLM provider credentials behind one endpoint

Usage:
  switchyard serve [--config file] [--host addr] [--port n]
  switchyard --help
`;

const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
  process.stdout.write(HELP);
} else {
  process.stderr.write(`switchyard: unknown command "${args[0]}"\n\n${HELP}`);
  process.exitCode = 2;
}
