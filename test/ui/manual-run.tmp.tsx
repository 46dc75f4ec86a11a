import {renderDashboard} from '../../source/ui/run.js';
import {FakeBackend, testClassify} from './fakeBackend.js';
const mode = process.argv[2] ?? 'device';
const backend = new FakeBackend(mode === 'silent' ? {silentAccount: {username: 'a@b', tenantId: 't', roles: [], canChange: true}} : {});
if (mode !== 'silent') setTimeout(() => backend.approve(), 1500);
const code = await renderDashboard(backend, {classify: testClassify});
console.log('EXIT', code);
