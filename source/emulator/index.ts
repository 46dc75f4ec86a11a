/**
 * The local HTTPS emulator: Entra ID's device-code sign-in, the MSCommerce licensing API and two
 * Microsoft Graph resources (docs/graph.md), with fault injection. `startEmulator()` in tests and `--demo`; `runEmulator()` for
 * `mscommerce emulator`.
 */
export {startEmulator, defaultCacheDir, type Emulator, type EmulatorOptions} from './server.js';
export {runEmulator, type RunEmulatorOptions} from './standalone.js';
export type {BetaAvailability, RequestLogEntry, SwitchesState} from './control.js';
export {
	ACCOUNTS,
	CONTOSO,
	FABRIKAM,
	FLEET_APP_ID,
	GRAPH_CLI_CLIENT_ID,
	GRAPH_PERMISSION,
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
export {GRAPH_APP_ID, GRAPH_RESOURCE} from './graph.js';
export {FaultSpecError, parseFaults, describeFaults, type FaultPlan} from './faults.js';
export {syntheticProducts, type Switches} from './state.js';
