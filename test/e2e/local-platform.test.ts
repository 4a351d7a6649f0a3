import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { importJWK, SignJWT, type JWK } from 'jose';
import { ROOT } from '../../infra/lambdas.ts';
import { freePort } from '../../infra/local/ports.ts';
import { failedStart } from '../support/platform.ts';
import { contractProxy } from '../support/contract.ts';
import { api, contract, dataDir, platform, port, token, useLocalPlatform } from '../support/e2e.ts';
import { WorkingCalendar } from '#shared/domain/calendar.ts';
import { chineseDaysArrangement } from '#shared/adapters/calendar/chinese-days.ts';
import { shanghaiDate } from '#shared/time.ts';

const run = promisify(execFile);

useLocalPlatform();

describe('README walkthrough, verbatim, against npm start', () => {
  it('takes a case from a token to completed with its certificate', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('<!-- walkthrough:start -->')[1]!.split('<!-- walkthrough:end -->')[0]!;
    const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(3);
    const work = mkdtempSync(join(tmpdir(), 'ywtb-walk-'));
    const script = join(work, 'walkthrough.sh');
    writeFileSync(script, `set -euo pipefail\n${blocks.join('\n')}`);
    chmodSync(script, 0o755);
    const startedOn = shanghaiDate(new Date());
    // The walkthrough's curl goes through a proxy that checks every answer against the contract.
    const before = contract.checked;
    const proxy = await contractProxy(platform.url, contract);
    const { stdout } = await run('bash', [script], { cwd: work, env: { ...process.env, BASE: proxy.url, REPO: ROOT }, timeout: 60_000 }).finally(proxy.close);
    expect(contract.checked - before).toBeGreaterThan(50);
    const endedOn = shanghaiDate(new Date());
    rmSync(work, { recursive: true, force: true });
    expect(stdout).toContain('"name": "个体工商户设立登记"'); // the catalog search
    expect(stdout).toContain('PUT 200');
    expect(stdout).toContain('"status": "completed"');
    // One promised working day: yellow from acceptance on, announced by the acceptance's follow-up —
    // unless the approval (sent right after the acceptance here) was recorded first: a decided case
    // has no light to announce.
    expect(stdout).toMatch(/"case.submitted",\s*"case.accepted",\s*("case.light_changed",\s*)?"case.approved",\s*"case.completed"/);
    expect(stdout).toContain('"name": "营业执照（个体工商户）"');
    expect(stdout).toContain('"registrationNo": "92350102MA8X1234"');
    // The certificate's QR, verified offline by jose with the published keys; its holder masked.
    expect(stdout).toMatch(/signature valid ywtb-certificate\+jws \{[\s\S]*nameMasked: '陈\*玲'/);
    expect(stdout).toContain('"nameMasked": "陈*玲"');
    expect(stdout).toContain('[{"name":"营业执照（个体工商户）","status":"valid"}]'); // GET /certificates
    expect(stdout).toContain('{"valid":true,"revoked":false,"signatureValid":true,"holder":{"nameMasked":"陈*玲","idMasked":"u****n"}}');
    expect(stdout).toContain('{"valid":true,"signatureValid":true}');
    expect(stdout).toContain('{"valid":false,"revoked":false,"signatureValid":false,"reason":"the signature does not match"}');
    expect(stdout).toContain('%PDF-');
    // C2: the ID card fetched from the shared-data stand-in, not asked for; nothing on file: 422 naming it
    expect(stdout).toContain('{"source":"shared_data","fetchedFrom":"福建省公安厅 居民身份证电子证照","legalBasis":"《福州市网上办事管理办法（试行）》第十三条"}');
    expect(stdout).toContain(
      '{"status":422,"errors":[{"path":"materials","message":"required material \\"id-card\\" (经营者身份证明) is not on file in the certificate library or with 福建省公安厅 居民身份证电子证照: upload it"}]}',
    );
    // C4: the pension form contradicts the ID card on file: flagged
    expect(stdout).toContain('["姓名","公民身份号码"]');
    // G6: the case's archive package, checked by sha256sum and by the platform
    expect(stdout).toContain('every payload file matches its manifest (sha256sum)');
    expect(stdout).toContain('{"intact":true,"checked":15,"differences":[]}');
    expect(stdout).toMatch(/[0-9a-f]{12} {2}\d+\tdata\/certificates\/\w+\/certificate\.jws/);
    // G4: the joint case's paper permit mailed, tracked
    expect(stdout).toMatch(/\{"method":"mail","carrier":"中国邮政EMS（本地模拟）","trackingNo":"EA\d{9}CN","status":"booked"\}/);
    // H1: the case's progress by its code and the applicant's name; another name is 404
    expect(stdout).toContain('{"status":"completed","department":"福州市市场监督管理局","steps":["case.submitted","case.accepted","case.approved","case.completed"]}');
    expect(stdout).toContain('{"status":404,"title":"Not found"}');
    // G4: the applicant's SMS, one per step, the completion's with the certificate's name
    const sms = [...stdout.matchAll(/^(case\.\w+) {2}(【一网通办】.*)$/gm)].map((m) => [m[1], m[2]]);
    expect(sms).toEqual([
      ['case.accepted', expect.stringMatching(/^【一网通办】陈美玲，您于\d{4}年\d+月\d+日提交的个体工商户设立登记申请已受理，承诺1个工作日内办结。监督码：350100-/)],
      ['case.approved', expect.stringContaining('申请已审查通过，营业执照（个体工商户）正在制发。')],
      ['case.completed', expect.stringMatching(/申请已办结，电子证照“营业执照（个体工商户）”已存入您的电子证照库，可在网上办事平台查看、下载；纸质证照请凭取件码\d{6}到福州市行政服务中心/)],
    ]);
    // the supplement path
    expect(stdout).toMatch(/"case.submitted",\s*"case.supplement_requested",\s*"case.supplemented",\s*"case.accepted"/);
    expect(stdout).toMatch(/"documents": \[\s*"补齐补正告知书",\s*"受理通知书"\s*\]/);
    // joint processing: approval refused while opinions are outstanding, then completed
    expect(stdout).toContain('waiting for the opinions of fz-zjj, fz-rfb');
    // G3: the permit and 人防办's document, released together
    expect(stdout).toMatch(/"certificates": \[\s*"建设工程规划许可证",\s*"结合民用建筑修建防空地下室审批意见书"\s*\]/);
    // each co-department's own clock: 城乡建设局's stopped at its opinion, 人防办's still running
    expect(stdout).toMatch(
      /\{"late":\[\],"clocks":\[\{"deptCode":"fz-zrzy","role":"lead","due":"[\d-]+","light":"green","running":true\},\{"deptCode":"fz-zjj","role":"co","due":"[\d-]+","light":"green","running":false\},\{"deptCode":"fz-rfb","role":"co","due":"[\d-]+","light":"green","running":true\}\]\}/,
    );
    // lights: green, then yellow, then red as case time moves
    expect([...stdout.matchAll(/\{"light":"(green|yellow|red)"/g)].map((m) => m[1])).toEqual(['green', 'yellow', 'red']);
    expect(stdout).toMatch(/承诺办结日为\d{4}年\d+月\d+日，法定办结日为/);
    // supervision: opened by the watch on a day the clock was moved to (timers fire at the moved
    // time), to be answered within 3 working days (the calendar as loaded above); escalated to
    // level 2, with 3 more working days, when the last move passed that date unanswered
    const moves = [...stdout.matchAll(/\{"now":"(\d{4}-\d{2}-\d{2})T/g)].map((m) => m[1]!);
    const movedTo = moves.at(-1)!;
    const calendar = new WorkingCalendar([(y) => (y === 2027 ? { year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [], source: 'admin' } : undefined), chineseDaysArrangement]);
    const supervised = JSON.parse(/(\{"late":\["fz-rsj"\],"supervisions":.*\})\n/.exec(stdout)![1]!) as { supervisions: Array<{ openedOn: string }> };
    const openedOn = supervised.supervisions[0]!.openedOn;
    expect(moves).toContain(openedOn);
    const firstRespondBy = calendar.addWorkingDays(openedOn, 3).due;
    const escalated = movedTo > firstRespondBy;
    expect(supervised).toEqual({
      late: ['fz-rsj'],
      supervisions: [{ deptCode: 'fz-rsj', openedOn, respondBy: escalated ? calendar.addWorkingDays(movedTo, 3).due : firstRespondBy, level: escalated ? 2 : 1, status: 'open' }],
    });
    expect(stdout).toMatch(/"deptCode": "fz-rsj",\s*"name": "福州市人力资源和社会保障局",\s*"inProgress": 1,\s*"yellow": 0,\s*"red": 1,[^}]*"openSupervisions": 0/);
    expect(stdout).toContain('[{"item":"个体工商户设立登记","status":"accepted","light":"red"}]');
    // publishing a guide: above the statutory limit refused, then version 2
    expect(stdout).toContain('{"status":422,"errors":[{"path":"promisedDays","message":"the promised limit (25 working days) may not exceed the statutory limit (20)"}]}');
    expect(stdout).toContain('{"version":2,"promisedDays":8,"statutoryDays":20,"yellowDays":3}');
    // the calendar
    expect(stdout).toContain('{"year":2027,"holidays":["2027-01-01","2027-01-02","2027-01-03"],"workdays":[],"source":"admin"}');
    // the supplement case's acceptance clock: filed, supplemented and accepted within the run
    const used = calendar.workingDaysBetween(startedOn, endedOn);
    const left = 1 - used;
    const light = left < 0 ? 'red' : left === 0 ? 'yellow' : 'green';
    expect(stdout).toContain(`{"limitWorkingDays":1,"usedWorkingDays":${used},"running":false,"paused":false,"overdue":${used > 1},"remainingWorkingDays":${left},"light":"${light}"}`);
    // staff open a material: exactly the bytes supplied, and the opening is on the record
    expect(stdout).toMatch(/\{"materialId":"premises-proof","source":"upload","fileName":"premises-stamped.pdf","contentType":"application\/pdf","sha256":"[0-9a-f]{64}"\}/);
    expect(stdout).toContain('the bytes opened are the bytes supplied');
    expect(stdout).toContain('{"materialId":"application-form","source":"form","formVersion":1,"contentType":"application/json"}');
    expect(stdout).toContain(
      '[{"by":{"kind":"department","id":"fz-scjg","via":"staff","staffId":"s-lin"},"material":"premises-proof"},{"by":{"kind":"department","id":"fz-scjg","via":"webhook"},"material":"application-form"}]',
    );
  });

  it('logs each state change of the walkthrough’s cases under the function that made it, with its case', () => {
    const lines = platform
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"case changed"'))
      .map((l) => JSON.parse(l) as { function_name?: string; event: string; caseId: string; actor: { kind: string } });
    const madeBy = (event: string) => new Set(lines.filter((l) => l.event === event).map((l) => l.function_name));
    // Invocations overlap (timers fire while departments act): each line keeps its own invocation's keys.
    expect(madeBy('case.submitted')).toEqual(new Set(['citizen-api']));
    expect(madeBy('case.accepted')).toEqual(new Set(['department-hooks']));
    expect(madeBy('case.approved')).toEqual(new Set(['department-hooks']));
    expect(madeBy('case.completed')).toEqual(new Set(['case-workflow']));
    expect(lines.every((l) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(l.caseId))).toBe(true);
  });
});

describe('bad input over HTTP: a clear problem+json, nothing changed', () => {
  const filer = () => token({ sub: 'u-e2e', name: '测试', authLevel: 2 });

  it('answers malformed JSON with 400 problem+json', async () => {
    const malformed = await api('/cases', { token: await filer(), body: '{"serviceItemCode":' });
    expect(malformed).toMatchObject({ status: 400, type: 'application/problem+json' });
  });

  it('answers a broken rule with 422 listing every failing field, and no stack trace', async () => {
    const invalid = await api('/cases', { token: await filer(), body: { serviceItemCode: 'food-business-licence', form: { creditCode: '91350102MA8RB2K5WX' } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['form.creditCode', 'form.operatorName', 'materials']));
    expect(JSON.stringify(invalid.body)).not.toMatch(/\.ts:\d+/);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    expect(await api('/no/such/route')).toMatchObject({ status: 404, type: 'application/problem+json' });
  });

  it('answers a malformed percent-encoding in a path with 400 (the client’s mistake)', async () => {
    const citizen = await filer();
    for (const path of ['/cases/%E0%A4%A/materials/x', '/service-items/%ZZ', '/hooks/departments/%E0']) {
      const bad = await api(path, path.startsWith('/hooks') ? { body: {} } : { token: citizen });
      expect(bad, path).toMatchObject({ status: 400, type: 'application/problem+json', body: { detail: expect.stringContaining('percent-encoding') } });
    }
  });

  it('answers 401 without a token or with one that is not a JWT', async () => {
    expect((await api('/cases', { body: {} })).status).toBe(401);
    expect((await api('/cases', { body: {}, token: 'not-a-jwt' })).status).toBe(401);
  });

  it('refuses a token signed by the right key but without an expiry, or living a week (401)', async () => {
    // Prepare: tokens signed with the local key, as a misconfigured identity provider would issue them.
    const { privateJwk } = JSON.parse(readFileSync(join(dataDir, 'keys', 'jwt.json'), 'utf8')) as { privateJwk: JWK };
    const key = await importJWK(privateJwk, 'RS256');
    const unsigned = new SignJWT({ auth_level: 2 }).setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid! }).setSubject('u-forever').setIssuer('yiwangtongban-local').setAudience('yiwangtongban');
    const forever = await unsigned.setIssuedAt().sign(key);
    const week = await new SignJWT({ auth_level: 2 }).setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid! }).setSubject('u-week').setIssuer('yiwangtongban-local').setAudience('yiwangtongban').setIssuedAt().setExpirationTime('7d').sign(key);
    // Act and assess
    for (const t of [forever, week]) {
      const refused = await api('/cases', { token: t });
      expect(refused).toMatchObject({ status: 401, type: 'application/problem+json' });
    }
    expect((await api('/cases', { token: forever })).body.detail).toMatch(/no valid exp/);
  });

  it('refuses filing to a citizen below authentication level 2 (403)', async () => {
    const level1 = await token({ sub: 'u-e2e1', name: '测试', authLevel: 1 });
    expect((await api('/cases', { token: level1, body: { serviceItemCode: 'food-business-licence', form: {} } })).status).toBe(403);
  });

  it('serves its OpenAPI 3.1 document to anyone', async () => {
    expect((await api('/openapi.json')).body.openapi).toBe('3.1.0');
  });

  it('I1 sends the security headers on every kind of answer: a function’s, a problem, the gateway’s own errors, the local routes', async () => {
    const citizen = await token({ sub: 'u-headers', name: '测试', authLevel: 2 });
    const answers = [
      await fetch(`${platform.url}/health`),
      await fetch(`${platform.url}/cases`, { headers: { authorization: `Bearer ${citizen}` } }),
      await fetch(`${platform.url}/cases/${'0'.repeat(26)}`, { headers: { authorization: `Bearer ${citizen}` } }), // the function's 404
      await fetch(`${platform.url}/no/such/route`), // the gateway's 404
      await fetch(`${platform.url}/cases`), // the gateway's 401
      await fetch(`${platform.url}/service-items/%ZZ`), // the gateway's 400
      await fetch(`${platform.url}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advance":"PT0S"}' }), // a local route
    ];
    for (const res of answers) {
      expect(res.headers.get('strict-transport-security'), res.url).toMatch(/^max-age=\d+/);
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), res.url).toContain("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy'), res.url).toBe('no-referrer');
      await res.arrayBuffer();
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 404, 401, 400, 200]);
  });

  it('refuses to move case time backwards or by a malformed duration, and leaves it where it was', async () => {
    const before = (await api('/dev/clock', { body: { advance: 'PT0S' } })).body.now as string;
    for (const body of [{ advance: '-P1D' }, { advance: 'three days' }, { set: '2020-01-01T00:00:00+08:00' }]) {
      const refused = await api('/dev/clock', { body });
      expect(refused).toMatchObject({ status: 422, type: 'application/problem+json' });
      expect(refused.body.errors[0].path).toMatch(/^(advance|set)/);
    }
    expect((await api('/dev/clock', { body: '{"advance":' })).status).toBe(400);
    expect(Date.parse((await api('/dev/clock', { body: { advance: 'PT0S' } })).body.now) - Date.parse(before)).toBeLessThan(60_000);
  });

  it('refuses a malformed dev token request with 422 naming the field', async () => {
    const badToken = await api('/dev/token', { body: { sub: '', authLevel: 7 } });
    expect(badToken).toMatchObject({ status: 422, type: 'application/problem+json' });
    expect(badToken.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['sub']));
  });
});


describe('starting and stopping', () => {
  it('says in one line that the port is busy', async () => {
    const busy = await failedStart({ PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'ywtb-busy-')) });
    expect(busy.code).toBe(1);
    expect(busy.output.trim()).toBe(`port ${port} is already in use; set PORT to a free one`);
  });

  it('says in one line that Java is missing', async () => {
    const noJava = await failedStart({ PORT: String(await freePort()), DATA_DIR: mkdtempSync(join(tmpdir(), 'ywtb-nojava-')), PATH: '/nonexistent' });
    expect(noJava.code).toBe(1);
    expect(noJava.output.trim()).toMatch(/^Java 17 or newer is needed/);
    expect(noJava.output.trim().split('\n')).toHaveLength(1);
  });

  it('says in one line that DATA_DIR is not writable', async () => {
    const readOnly = mkdtempSync(join(tmpdir(), 'ywtb-ro-'));
    writeFileSync(join(readOnly, 'file'), '');
    const notWritable = await failedStart({ PORT: String(await freePort()), DATA_DIR: join(readOnly, 'file', 'data') });
    expect(notWritable.code).toBe(1);
    expect(notWritable.output.trim()).toMatch(/^DATA_DIR .* is not writable/);
    expect(notWritable.output.trim().split('\n')).toHaveLength(1);
  });

  it('stops everything it started on SIGTERM', async () => {
    const pidFile = join(dataDir, 'dynamodb', 'dynamodb-local.pid');
    const javaPid = Number(readFileSync(pidFile, 'utf8'));
    platform.proc.kill('SIGTERM');
    expect(await platform.exited).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
    expect(existsSync(`/proc/${javaPid}`)).toBe(false);
    mkdirSync(dataDir, { recursive: true });
  });
});
