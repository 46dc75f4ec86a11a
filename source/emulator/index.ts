/**
 * The local HTTPS emulator: Entra ID's device-code sign-in and the MSCommerce licensing API,
 * with fault injection. `startEmulator()` in tests and `--demo`; `runEmulator()` for
 * `mscommerce emulator`.
 */
export {startEmulator, defaultCacheDir, type Emulator, type EmulatorOptions} from './server.js';
export {runEmulator, type RunEmulatorOptions} from './standalone.js';
export type {RequestLogEntry} from './control.js';
export {
	ACCOUNTS,
	CONTOSO,
	FABRIKAM,
	FLEET_APP_ID,
	MAX_TENANT_COUNT,
	NORTHWIND,
	PARTNER_USERNAME,
	ROLE,
	syntheticTenant,
	type EmulatorAccount,
	type EmulatorApp,
	type EmulatorTenant,
} from './directory.js';
export {LICENSING_APP_ID, MSCOMMERCE_CLIENT_ID} from './identity.js';
export {FaultSpecError, parseFaults, describeFaults, type FaultPlan} from './faults.js';
export {syntheticProducts} from './state.js';
