import { startPizzeria } from './start-pizzeria.js';

/**
 * `pnpm start` / `pnpm demo`: Mario's Pizzeria on the backend the environment selects (the
 * in-memory fake by default), on `PORT` (default 3000). Ctrl-C stops it cleanly.
 */
async function main(): Promise<void> {
  console.log("🍕 Mario's Pizzeria — a Forno reference app");
  const pizzeria = await startPizzeria();
  console.log(`listening on ${pizzeria.url}  (API docs: ${pizzeria.url}/docs)`);
  // Like Jupyter: a token generated for this run is printed with the URL, so the demo is usable
  // and no admin route is open. The dashboard's URL carries it in its fragment (#token=…), which
  // browsers never send to the server, so it stays out of request logs. A token from the
  // environment is never printed.
  if (pizzeria.admin.generated) {
    console.log(`dashboard: ${pizzeria.url}/#token=${pizzeria.admin.token}`);
    console.log(
      'admin routes need this token (generated for this run; set PIZZERIA_ADMIN_TOKEN to choose one):',
    );
    console.log(`  curl -H "Authorization: Bearer ${pizzeria.admin.token}" ${pizzeria.url}/stats`);
  } else {
    console.log(`dashboard: ${pizzeria.url}/ (it asks for the token of PIZZERIA_ADMIN_TOKEN)`);
    console.log('admin routes need the token of PIZZERIA_ADMIN_TOKEN: Authorization: Bearer <token>');
  }
  if (pizzeria.services.chaos !== undefined) {
    console.log('CHAOS=1: the dashboard has a "break Redis" switch (every cache call fails while it is on)');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing`);
    pizzeria.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
