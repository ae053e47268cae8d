// Times the dashboard's render with every app on it: from navigation until each app's card shows its health.
// Usage: node dashboard-render.js ADMIN_URL APP_COUNT PLAYWRIGHT_PACKAGE_DIR
// Prints "first X ms, then A / B / C ms (median M ms)": the first load includes the host's first render of the
// page (JIT, caches); the next ones are what an operator sees on a warm host. Runs /usr/bin/chromium headless.
const [url, count, packageDir] = process.argv.slice(2);
const { chromium } = require(packageDir);

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const times = [];
  try {
    for (let round = 0; round < 4; round++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(url);
      await page.waitForFunction(
        n => document.querySelectorAll('[data-test=app-card] [data-test=health]').length >= n,
        Number(count), { timeout: 60000, polling: 'raf' });
      times.push(Date.now() - started);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  console.log(`first ${times[0]} ms, then ${times.slice(1).join(' / ')} ms (median ${warm[Math.floor(warm.length / 2)]} ms)`);
})().catch(error => { console.error(error); process.exit(1); });
