import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { enableCostManagement, establishCustomer, grantSelfPurchase } from '../../client/src';
import { createClient } from '../../client/src/client';
import { killAll, ServiceProcess, startService } from '../support/service-process';
import { chromiumPresent, CHROMIUM, CONSOLE_CSP, ConsoleBrowser, launchConsoleBrowser, SCREENSHOTS, screenshot, seriousViolations } from './browser';

const BUILT_CONSOLE = resolve(__dirname, '../../dist/console');

if (!chromiumPresent()) {
  if (process.env.CI) throw new Error(`CI runs the console in a real browser: ${CHROMIUM} is missing (apt-get install -y chromium).`);
  console.warn(`SKIPPED the console browser suite: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`);
}

const OTHER_CUSTOMERS = [
  'Adventure Works', 'Alpine Ski House', 'Blue Yonder Airlines', 'City Power & Light', 'Coho Winery', 'Consolidated Messenger',
  'Fourth Coffee', 'Graphic Design Institute', 'Humongous Insurance', 'Litware Inc', 'Lucerne Publishing', 'Margie’s Travel',
  'Northwind Traders', 'Proseware', 'Relecloud', 'School of Fine Art', 'Tailspin Toys', 'Trey Research', 'VanArsdel',
  'Wide World Importers', 'Wingtip Toys', 'Woodgrove Bank', 'Datum Corporation', 'Bellows College',
];

function contact(city: string) {
  return {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phoneNumber: '+1 425 555 0100',
    culture: 'en-US',
    language: 'en',
    defaultAddress: { addressLine1: '1 Microsoft Way', city, state: 'WA', postalCode: '98052', country: 'US' },
  };
}

(chromiumPresent() ? describe : describe.skip)('the console in a real browser (Chromium, headless)', () => {
  let service: ServiceProcess;
  let browser: ConsoleBrowser;
  let dataDir: string;
  const ids = { contoso: crypto.randomUUID(), fabrikam: crypto.randomUUID() };
  const url = (path: string) => `${service.baseUrl}/console${path}`;

  /** Mints a token the way the console's development sign-in does, for the paste-a-token sign-in. */
  async function devToken(body: { partnerType: string; roles: string[]; sub: string }): Promise<string> {
    const res = await fetch(`${service.baseUrl}/dev/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ partnerId: 'contoso-partner', ...body }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  }

  async function devSignIn(page: Page, sub: string): Promise<void> {
    await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
    await page.getByLabel('Partner id').fill('contoso-partner');
    await page.getByLabel('Partner type').selectOption('direct-csp');
    await page.getByLabel('User (token subject)').fill(sub);
    await page.getByRole('button', { name: 'Sign in for development' }).click();
  }

  async function tokenSignIn(page: Page, token: string): Promise<void> {
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async function accessible(page: Page, name: string): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, name);
  }

  beforeAll(async () => {
    if (!existsSync(join(BUILT_CONSOLE, 'index.html'))) throw new Error(`${BUILT_CONSOLE} is missing: run \`npm run build\` first.`);
    dataDir = mkdtempSync(join(tmpdir(), 'console-browser-'));
    // The embedded default with no key configured: the generated development secret, so the
    // development sign-in exists (empty values count as unset).
    service = await startService({ dataDir, secret: '', env: { AUTH_JWT_SECRET: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '' } });
    const client = createClient({ baseUrl: service.baseUrl, auth: await devToken({ partnerType: 'direct-csp', roles: ['admin-agent'], sub: 'seed' }) });
    const call = { client, throwOnError: true as const };
    await establishCustomer({ ...call, body: { tenantId: ids.contoso, companyName: 'Contoso Ltd', domain: 'contoso.onmicrosoft.com', billingProfile: contact('Redmond') } });
    await establishCustomer({ ...call, body: { tenantId: ids.fabrikam, companyName: 'Fabrikam Inc', domain: 'fabrikam.onmicrosoft.com', billingProfile: contact('Redmond') } });
    await grantSelfPurchase({ ...call, path: { id: ids.fabrikam }, body: { resources: ['AzureReservedInstances'] } });
    await enableCostManagement({ ...call, path: { id: ids.fabrikam }, body: {} });
    for (const name of OTHER_CUSTOMERS) {
      const domain = `${name.toLowerCase().replace(/[^a-z]/g, '')}.onmicrosoft.com`;
      await establishCustomer({ ...call, body: { tenantId: crypto.randomUUID(), companyName: name, domain } });
    }
    browser = await launchConsoleBrowser();
    browser.context.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await killAll();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    console.log(`Console screenshots: ${SCREENSHOTS}`);
  });

  afterEach(() => {
    // Nothing the pages did may have broken the strict CSP or thrown.
    expect(browser?.errors ?? []).toEqual([]);
  });

  it("follows the seed's flow: rename through Billing info; the list shows the friendly name, Company info and the breadcrumb keep the original", async () => {
    const page = await browser.context.newPage();
    const opened = await page.goto(url(''));
    expect(opened?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    // The page is drawn by the script, so time the rendered heading, not only the first paint.
    await page.waitForFunction("document.querySelector('h1') !== null", undefined, { polling: 'raf' });
    const rendered = (await page.evaluate('performance.now()')) as number;
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    const firstPaint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
    console.log(`Console, cold profile: first contentful paint ${Math.round(firstPaint ?? -1)} ms, sign-in page rendered by ${Math.round(rendered)} ms after navigation start`);
    await accessible(page, 'sign-in');

    await devSignIn(page, 'alice');
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    const rows = page.locator('table.list tbody tr');
    await page.getByRole('link', { name: 'Adventure Works' }).waitFor();
    expect(await rows.count()).toBe(20);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Woodgrove Bank' }).waitFor();
    expect(await rows.count()).toBe(OTHER_CUSTOMERS.length + 2 - 20);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByRole('link', { name: 'Adventure Works' }).waitFor();
    await accessible(page, 'customers');

    await page.getByLabel('Search by company name or domain (starts with)').fill('conto');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Contoso Ltd' }).waitFor();
    await page.locator('table.list tbody tr').nth(1).waitFor({ state: 'detached' });

    await page.getByRole('link', { name: 'Contoso Ltd' }).click();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    expect(page.url()).toBe(url(`/customers/${ids.contoso}`));
    await page.getByLabel('Company name', { exact: true }).fill('Contoso (EMEA)');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved: billing info').waitFor();

    const breadcrumb = page.getByRole('navigation', { name: 'Breadcrumb' });
    expect(await breadcrumb.innerText()).toContain('Contoso Ltd');
    expect(await breadcrumb.innerText()).not.toContain('EMEA');
    expect(await page.locator('[data-field="original-name"]').innerText()).toBe('Contoso Ltd');
    expect(await page.getByLabel('Company name', { exact: true }).inputValue()).toBe('Contoso (EMEA)');
    await accessible(page, 'account');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('link', { name: 'Contoso (EMEA)' }).waitFor();
    expect(await page.getByRole('link', { name: 'Contoso Ltd' }).count()).toBe(0);
    await page.close();
  }, 120_000);

  it('shows "changed by someone else since you opened it" when another tab saved first, and reloads', async () => {
    const account = url(`/customers/${ids.fabrikam}`);
    const tabA = await browser.context.newPage();
    await tabA.goto(account);
    await devSignIn(tabA, 'alice');
    await tabA.getByRole('heading', { name: 'Account' }).waitFor();

    const tabB = await browser.context.newPage();
    await tabB.goto(account);
    await tokenSignIn(tabB, await devToken({ partnerType: 'direct-csp', roles: ['sales-agent'], sub: 'bob' }));
    await tabB.getByRole('heading', { name: 'Account' }).waitFor();
    await tabB.getByLabel('City').fill('Seattle');
    await tabB.getByRole('button', { name: 'Save' }).click();
    await tabB.getByText('Saved: billing info').waitFor();

    await tabA.getByLabel('Phone number (optional)').fill('+1 206 555 0199');
    await tabA.getByRole('button', { name: 'Save' }).click();
    await tabA.getByText('Changed by someone else since you opened it').waitFor();
    expect(await tabA.getByText('Saved:').count()).toBe(0);
    await accessible(tabA, 'account-conflict');

    await tabA.getByRole('button', { name: 'Reload the account' }).click();
    await tabA.getByText('Changed by someone else since you opened it').waitFor({ state: 'detached' });
    // Polled through the locator: a string predicate is eval'd in the page, which its CSP forbids.
    for (const deadline = Date.now() + 10_000; (await tabA.getByLabel('City').inputValue()) !== 'Seattle'; await tabA.waitForTimeout(50)) {
      if (Date.now() > deadline) throw new Error('the reloaded account never showed the city the other tab saved');
    }
    expect(await tabA.getByLabel('Phone number (optional)').inputValue()).toBe('+1 425 555 0100');

    await tabA.getByRole('button', { name: 'Grant self-purchase of Azure savings plan' }).click();
    await tabA.getByText('Saved: granted self-purchase of Azure savings plan').waitFor();
    await tabA.getByRole('button', { name: 'Revoke self-purchase of Azure savings plan' }).waitFor();
    await tabA.getByRole('button', { name: 'Disable Cost Management' }).click();
    await tabA.getByText('Cost Management is disabled').waitFor();
    await tabA.close();
    await tabB.close();
  }, 120_000);

  it('lets an auditor replay the history field by field, see the account as of a revision or a time, filter the feed and export', async () => {
    const page = await browser.context.newPage();
    await page.goto(url(`/customers/${ids.contoso}/history`));
    await tokenSignIn(page, await devToken({ partnerType: 'direct-csp', roles: ['auditor'], sub: 'audrey' }));
    await page.getByRole('heading', { name: 'History' }).waitFor();
    const rename = page.locator('.changes li', { hasText: 'Billing info: company name' }).filter({ hasText: 'Contoso (EMEA)' });
    await rename.waitFor();
    expect(await rename.locator('.before').innerText()).toBe('Contoso Ltd');
    expect(await rename.locator('.after').innerText()).toBe('Contoso (EMEA)');
    expect(await page.getByRole('navigation', { name: 'Breadcrumb' }).innerText()).toContain('Contoso Ltd');

    await page.getByRole('button', { name: 'Show the account as of revision 0' }).click();
    await page.getByRole('heading', { name: 'The account as of revision 0' }).waitFor();
    expect(await page.locator('.as-of [data-field="friendly-name"]').innerText()).toBe('Contoso Ltd');

    await page.getByLabel('a time').check();
    await page.getByLabel('Time (your local time)').fill('2001-01-01T00:00:00');
    await page.getByRole('button', { name: 'Show the account', exact: true }).click();
    // Before the relationship existed: the API's own answer, title and detail.
    await page.locator('.as-of .problem').waitFor();
    expect(await page.locator('.as-of .problem-title').innerText()).toBe('Customer not found');
    const later = new Date(Date.now() + 60_000).toISOString().slice(0, 19);
    await page.getByLabel('Time (your local time)').fill(later);
    await page.getByRole('button', { name: 'Show the account', exact: true }).click();
    await page.locator('.as-of [data-field="friendly-name"]', { hasText: 'Contoso (EMEA)' }).waitFor();
    await accessible(page, 'history');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).first().click()]);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(lines[0]).toContain('revision');
    expect(lines.length).toBeGreaterThanOrEqual(3);

    await page.getByRole('link', { name: 'Audit feed' }).click();
    await page.getByRole('heading', { name: 'Audit feed' }).waitFor();
    await page.locator('table.list tbody tr').first().waitFor();
    await page.getByLabel('Change type').selectOption('CustomerRenamed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('table.list tbody tr').nth(1).waitFor({ state: 'detached' });
    const types = await page.locator('table.list tbody tr td:nth-child(4)').allInnerTexts();
    expect(types).toEqual(['Renamed']);
    await accessible(page, 'audit-feed');
    await page.close();
  }, 120_000);

  it('shows a reseller the account read-only, with no control it may not use', async () => {
    const page = await browser.context.newPage();
    await page.goto(url(`/customers/${ids.contoso}`));
    await tokenSignIn(page, await devToken({ partnerType: 'indirect-reseller', roles: ['admin-agent'], sub: 'rita' }));
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    await page.getByText('Read-only.').waitFor();
    expect(await page.locator('[data-field="friendly-name"]').innerText()).toBe('Contoso (EMEA)');
    expect(await page.locator('main input, main select, main textarea').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Save|Grant|Revoke|Enable|Disable/ }).count()).toBe(0);
    await accessible(page, 'account-read-only');
    await page.close();
  }, 120_000);

  it('shows admin agents the projections, and any API error as its title and detail', async () => {
    const page = await browser.context.newPage();
    await page.goto(url('/operations'));
    await devSignIn(page, 'alice');
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    await page.getByRole('rowheader', { name: 'customer-list' }).waitFor();
    await page.getByRole('rowheader', { name: 'account-detail' }).waitFor();
    await accessible(page, 'operations');

    await page.goto(url(`/customers/${crypto.randomUUID()}`));
    await page.getByRole('alert').waitFor();
    expect(await page.locator('.problem-title').innerText()).toBe('Customer not found');
    expect(await page.getByRole('alert').innerText()).toContain('No such customer.');
    await page.close();
  }, 120_000);

  it('keeps the first download small: the whole console under 40 KB gzipped', () => {
    const assets = join(BUILT_CONSOLE, 'assets');
    const gzipped = readdirSync(assets).reduce((sum, file) => sum + gzipSync(readFileSync(join(assets, file))).length, 0);
    console.log(`Console assets: ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThan(40 * 1024);
  });
});
