/**
 * The Microsoft Graph side (docs/graph.md): two tenant-wide resources beside the self-service
 * purchase policy, `/v1.0/policies/authorizationPolicy` (also under /beta) and
 * `/beta/admin/appsAndServices`, per tenant (the token's `tid`), behind Graph tokens the emulator
 * issued, every failure in Graph's error envelope. The licensing service keeps the rest of /v1.0.
 */
import {GRAPH_PERMISSION, guidFrom, ROLE} from './directory.js';
import {graphError, json, type Exchange, type GraphIds, type Reply} from './http.js';
import {HOSTILE} from './hostile.js';
import {GUEST_USER_ROLE_ID, type PolicyStore, type TenantPolicies} from './state.js';
import type {TokenSigner} from './tokens.js';

/** Microsoft Graph's app ID: what the emulator puts in a Graph token's `aud`. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Graph's resource URI: scopes and audiences may name it instead of the app ID. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const GRAPH_AUDIENCES: readonly string[] = [GRAPH_APP_ID, GRAPH_RESOURCE];

export type GraphDeps = {store: PolicyStore; signer: TokenSigner};

/**
 * Whether a path (its segments) is Graph's: all of /beta, and under /v1.0 authorizationPolicy and
 * /admin. Graph matches segments case-insensitively; the licensing service has the rest of /v1.0.
 */
export function isGraphPath(segments: readonly string[]): boolean {
	const [version, first, second] = segments.map(segment => segment.toLowerCase());
	if (version === 'beta') return true;
	if (version !== 'v1.0') return false;
	return first === 'admin' || (first === 'policies' && second === 'authorizationpolicy');
}

type Resource = 'authorizationPolicy' | 'appsAndServices';

/** The resource a path names, or the first segment Graph would not find. */
function resolve(version: 'v1.0' | 'beta', rest: readonly string[], betaAvailable: boolean): {resource: Resource} | {unknown: string} {
	const tree: Record<string, Record<string, Resource>> = {
		policies: {authorizationpolicy: 'authorizationPolicy'},
		// adminAppsAndServices is a beta resource: v1.0 never had it, and beta may lose it.
		admin: version === 'beta' && betaAvailable ? {appsandservices: 'appsAndServices'} : {},
	};
	const [container = '', name, ...extra] = rest;
	// Own properties only: a path is client text, and `constructor` is not a container.
	const children = Object.hasOwn(tree, container.toLowerCase()) ? tree[container.toLowerCase()] : undefined;
	if (!children) return {unknown: container || version};
	if (name === undefined) return {unknown: container};
	const resource = Object.hasOwn(children, name.toLowerCase()) ? children[name.toLowerCase()] : undefined;
	if (!resource) return {unknown: name};
	return extra[0] === undefined ? {resource} : {unknown: extra[0]};
}

/** What a caller is, from a Graph token the emulator issued. */
type Caller = {tenantId: string; app: boolean; permissions: string[]; roles: string[]};
type Authenticated = {caller: Caller} | {reply: Reply};

/** A 401 as Graph answers it: the envelope, and where to sign in in WWW-Authenticate. */
export function graphUnauthorized(exchange: Exchange, ids: GraphIds, message: string): Reply {
	return graphError(401, 'InvalidAuthenticationToken', message, ids, {
		'www-authenticate': `Bearer realm="", authorization_uri="${exchange.baseUrl}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
	});
}

function authenticate(exchange: Exchange, authorization: string | undefined, deps: GraphDeps, ids: GraphIds): Authenticated {
	const refuse = (message: string) => ({reply: graphUnauthorized(exchange, ids, message)});
	const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
	if (!bearer?.[1]) return refuse('Access token is empty.');
	const check = deps.signer.verify(bearer[1]);
	if (!check.ok) {
		const reasons = {
			malformed: 'Access token validation failure.',
			signature: 'Access token validation failure.',
			expired: 'Lifetime validation failed, the token is expired.',
			'not yet valid': 'Lifetime validation failed, the token is not yet valid.',
			audience: 'Access token validation failure. Invalid audience.',
		} as const;
		return refuse(reasons[check.reason]);
	}
	const claims = check.claims;
	// A licensing token (or any other resource's) is signed by the same emulator: the audience tells.
	if (typeof claims.aud !== 'string' || !GRAPH_AUDIENCES.includes(claims.aud.toLowerCase())) {
		return refuse('Access token validation failure. Invalid audience.');
	}
	const tenantId = typeof claims.tid === 'string' ? claims.tid : '';
	exchange.note.tenantId = tenantId;
	if (typeof claims.upn === 'string') exchange.note.username = claims.upn;
	const listed = (claim: unknown) => (Array.isArray(claim) ? claim.filter((r): r is string => typeof r === 'string') : []);
	const app = claims.idtyp === 'app';
	// Delegated: the scopes in `scp` and the directory roles in `wids`; app-only: `roles`.
	const permissions = app ? listed(claims.roles) : String(claims.scp ?? '').split(' ').filter(Boolean);
	return {caller: {tenantId, app, permissions, roles: app ? [] : listed(claims.wids)}};
}

/** Who may do what (docs/graph.md, Permissions and roles): any of `permissions`, and for a user any of `roles`. */
type Need = {permissions: readonly string[]; roles: readonly string[]};

const NEEDS: Record<Resource, {read: Need; write: Need}> = {
	// Microsoft documents these roles for reading; Global Administrator holds them all.
	authorizationPolicy: {
		read: {
			permissions: [GRAPH_PERMISSION.policyRead, GRAPH_PERMISSION.authorizationReadWrite],
			roles: [
				ROLE.globalAdministrator,
				ROLE.privilegedRoleAdministrator,
				ROLE.globalReader,
				ROLE.securityReader,
				ROLE.securityOperator,
				ROLE.securityAdministrator,
				ROLE.cloudDeviceAdministrator,
				ROLE.licenseAdministrator,
			],
		},
		write: {permissions: [GRAPH_PERMISSION.authorizationReadWrite], roles: [ROLE.globalAdministrator, ROLE.privilegedRoleAdministrator]},
	},
	// Microsoft names no role for these: the admin center's org settings are the Global
	// Administrator's to change and the Global Reader's to see.
	appsAndServices: {
		read: {permissions: [GRAPH_PERMISSION.appsRead, GRAPH_PERMISSION.appsReadWrite], roles: [ROLE.globalAdministrator, ROLE.globalReader]},
		write: {permissions: [GRAPH_PERMISSION.appsReadWrite], roles: [ROLE.globalAdministrator]},
	},
};

const DENIED = 'Insufficient privileges to complete the operation.';

/**
 * The 403 for a caller without what `need` asks. The directory (authorizationPolicy) answers
 * Authorization_RequestDenied whatever is missing; Graph's gateway checks a newer workload's
 * scopes and app roles itself and says which it wanted.
 */
function refusal(resource: Resource, need: Need, caller: Caller, ids: GraphIds): Reply | undefined {
	const hasPermission = caller.permissions.some(permission => need.permissions.includes(permission));
	if (!hasPermission) {
		if (resource === 'authorizationPolicy') return graphError(403, 'Authorization_RequestDenied', DENIED, ids);
		const kind = caller.app ? 'role' : 'scope';
		return graphError(
			403,
			'Forbidden',
			`Missing ${kind} permissions on the request. API requires one of '${need.permissions.join(', ')}'. ${caller.app ? 'Roles' : 'Scopes'} on the request '${caller.permissions.join(', ')}'`,
			ids,
		);
	}
	if (!caller.app && !caller.roles.some(role => need.roles.includes(role))) return graphError(403, 'Authorization_RequestDenied', DENIED, ids);
	return undefined;
}

/** Handles a Graph path (all its segments, the version first); `apply: false` answers a PATCH without applying it (the `ignore` fault). */
export function handleGraph(
	exchange: Exchange,
	segments: readonly string[],
	authorization: string | undefined,
	deps: GraphDeps,
	ids: GraphIds,
	options: {apply?: boolean} = {},
): Reply {
	let parts: string[];
	try {
		parts = segments.map(segment => decodeURIComponent(segment));
	} catch {
		parts = [...segments];
	}
	const [versionSegment = '', ...rest] = parts;
	const version = versionSegment.toLowerCase() === 'beta' ? 'beta' : 'v1.0';
	const found = resolve(version, rest, deps.store.betaAvailable);
	if ('unknown' in found) {
		// Client text, but only ever in a JSON body; cut so an absurd path makes no absurd answer.
		return graphError(400, 'BadRequest', `Resource not found for the segment '${found.unknown.slice(0, 200)}'.`, ids);
	}
	const {resource} = found;
	const method = exchange.method;
	if (method !== 'GET' && method !== 'PATCH') {
		return graphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request uri.', ids, {allow: 'GET, PATCH'});
	}
	const authenticated = authenticate(exchange, authorization, deps, ids);
	if ('reply' in authenticated) return authenticated.reply;
	const {caller} = authenticated;
	const refused = refusal(resource, NEEDS[resource][method === 'GET' ? 'read' : 'write'], caller, ids);
	if (refused) return refused;
	const tenant = deps.store.tenant(caller.tenantId);
	if (method === 'GET') {
		const body = resource === 'authorizationPolicy' ? authorizationPolicyBody(version, tenant, deps.store.hostile) : appsAndServicesBody(caller.tenantId, tenant);
		return json(200, body, ODATA);
	}
	const parsed = jsonObject(exchange, ids);
	if ('reply' in parsed) return parsed.reply;
	const {body} = parsed;
	const schema = resource === 'authorizationPolicy' ? AUTHORIZATION_POLICY : ADMIN_APPS_AND_SERVICES;
	const problem = patchProblem(body, schema, ids);
	if (problem) return problem;
	if (options.apply !== false) {
		const target = resource === 'authorizationPolicy' ? tenant.authorizationPolicy : {settings: tenant.appsAndServices};
		applyPatch(target as unknown as Record<string, unknown>, body, schema);
	}
	return {status: 204};
}

/** Graph's content type for an OData answer. */
const ODATA = {'content-type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8', 'odata-version': '4.0'};

function authorizationPolicyBody(version: 'v1.0' | 'beta', tenant: TenantPolicies, hostile: boolean): Record<string, unknown> {
	const policy = tenant.authorizationPolicy;
	return {
		'@odata.context': `https://graph.microsoft.com/${version}/$metadata#policies/authorizationPolicy/$entity`,
		id: 'authorizationPolicy',
		...policy,
		...(hostile ? {description: HOSTILE.policyDescription} : {}),
		defaultUserRolePermissions: {...policy.defaultUserRolePermissions, permissionGrantPoliciesAssigned: [...policy.defaultUserRolePermissions.permissionGrantPoliciesAssigned]},
	};
}

function appsAndServicesBody(tenantId: string, tenant: TenantPolicies): Record<string, unknown> {
	return {
		'@odata.context': 'https://graph.microsoft.com/beta/$metadata#admin/appsAndServices/$entity',
		// One per tenant, stable across runs.
		id: guidFrom(`adminAppsAndServices/${tenantId.toLowerCase()}`),
		settings: {...tenant.appsAndServices},
	};
}

const UNREADABLE = 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';

/** A PATCH body: a JSON object, or the 400 Graph answers (its OData reader's words). */
function jsonObject(exchange: Exchange, ids: GraphIds): {body: Record<string, unknown>} | {reply: Reply} {
	const refuse = (message: string) => ({reply: graphError(400, 'BadRequest', message, ids)});
	if (!(exchange.contentType ?? '').toLowerCase().includes('json')) return refuse(UNREADABLE);
	let body: unknown;
	try {
		body = JSON.parse(exchange.body);
	} catch {
		return refuse(UNREADABLE);
	}
	if (typeof body === 'object' && body !== null && !Array.isArray(body)) return {body: body as Record<string, unknown>};
	return refuse(`An unexpected '${nodeKind(body)}' node was found when reading from the JSON reader. A 'StartObject' node was expected.`);
}

function nodeKind(value: unknown): string {
	if (Array.isArray(value)) return 'StartArray';
	return typeof value === 'object' && value !== null ? 'StartObject' : 'PrimitiveValue';
}

/** The writable properties of a Graph type, as much as the emulator checks of them. */
type Field =
	| {kind: 'boolean'}
	| {kind: 'string'}
	| {kind: 'choice'; values: readonly string[]}
	| {kind: 'strings'}
	| {kind: 'object'; schema: Schema};
type Schema = {type: string; resource: string; fields: Record<string, Field>};

const BOOLEAN: Field = {kind: 'boolean'};

const DEFAULT_USER_ROLE_PERMISSIONS: Schema = {
	type: 'microsoft.graph.defaultUserRolePermissions',
	resource: 'DefaultUserRolePermissions',
	fields: {
		allowedToCreateApps: BOOLEAN,
		allowedToCreateSecurityGroups: BOOLEAN,
		allowedToCreateTenants: BOOLEAN,
		allowedToReadBitlockerKeysForOwnedDevice: BOOLEAN,
		allowedToReadOtherUsers: BOOLEAN,
		permissionGrantPoliciesAssigned: {kind: 'strings'},
	},
};

/** authorizationPolicy's writable properties (Microsoft's "Update authorizationPolicy"). */
const AUTHORIZATION_POLICY: Schema = {
	type: 'microsoft.graph.authorizationPolicy',
	resource: 'AuthorizationPolicy',
	fields: {
		displayName: {kind: 'string'},
		description: {kind: 'string'},
		allowInvitesFrom: {kind: 'choice', values: ['none', 'adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers', 'everyone']},
		allowedToSignUpEmailBasedSubscriptions: BOOLEAN,
		allowedToUseSSPR: BOOLEAN,
		allowEmailVerifiedUsersToJoinOrganization: BOOLEAN,
		allowUserConsentForRiskyApps: BOOLEAN,
		blockMsolPowerShell: BOOLEAN,
		// User, Guest User, Restricted Guest User: the only roles Microsoft supports there.
		guestUserRoleId: {kind: 'choice', values: ['a0b1b346-4d3e-4e8b-98f8-753987be4970', GUEST_USER_ROLE_ID, '2af84b1e-32c8-42b7-82bc-daa82404023b']},
		defaultUserRolePermissions: {kind: 'object', schema: DEFAULT_USER_ROLE_PERMISSIONS},
	},
};

const ADMIN_APPS_AND_SERVICES: Schema = {
	type: 'microsoft.graph.adminAppsAndServices',
	resource: 'AdminAppsAndServices',
	fields: {
		settings: {
			kind: 'object',
			schema: {
				type: 'microsoft.graph.appsAndServicesSettings',
				resource: 'AppsAndServicesSettings',
				fields: {isAppAndServicesTrialEnabled: BOOLEAN, isOfficeStoreEnabled: BOOLEAN},
			},
		},
	},
};

/** Why Graph refuses a PATCH body (undefined: it takes it), in the words of its OData reader or the directory. */
function patchProblem(body: Record<string, unknown>, schema: Schema, ids: GraphIds): Reply | undefined {
	const bad = (code: string, message: string) => graphError(400, code, message, ids);
	for (const [name, value] of Object.entries(body)) {
		const shown = name.slice(0, 100);
		if (name === '@odata.type') {
			const type = typeof value === 'string' ? value.replace(/^#/, '') : '';
			if (type !== schema.type) return bad('BadRequest', `A type named '${String(value).slice(0, 100)}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`);
			continue;
		}
		// Other instance and property annotations (`@odata.context`, `x@odata.type`) carry no value.
		if (name.includes('@')) continue;
		if (name === 'id') return bad('Request_BadRequest', "Property 'id' is read-only and cannot be set.");
		const field = Object.hasOwn(schema.fields, name) ? schema.fields[name] : undefined;
		if (!field) {
			return bad('BadRequest', `The property '${shown}' does not exist on type '${schema.type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
		}
		const problem = valueProblem(name, value, field, schema, ids);
		if (problem) return problem;
	}
	return undefined;
}

function valueProblem(name: string, value: unknown, field: Field, schema: Schema, ids: GraphIds): Reply | undefined {
	const bad = (code: string, message: string) => graphError(400, code, message, ids);
	const invalid = () => bad('Request_BadRequest', `Invalid value specified for property '${name}' of resource '${schema.resource}'.`);
	const edm = field.kind === 'boolean' ? 'Edm.Boolean' : field.kind === 'object' ? field.schema.type : field.kind === 'strings' ? 'Collection(Edm.String)' : 'Edm.String';
	if (value === null) {
		return bad('BadRequest', `A null value was found for the property named '${name}', which has the expected type '${edm}[Nullable=False]'. The expected type '${edm}[Nullable=False]' does not allow null values.`);
	}
	const kind = nodeKind(value);
	const expected = field.kind === 'object' ? 'StartObject' : field.kind === 'strings' ? 'StartArray' : 'PrimitiveValue';
	if (kind !== expected) {
		return bad('BadRequest', `An unexpected '${kind}' node was found for property named '${name}' when reading from the JSON reader. A '${expected}' node was expected.`);
	}
	switch (field.kind) {
		case 'boolean':
			return typeof value === 'boolean' ? undefined : bad('BadRequest', "Cannot convert a primitive value to the expected type 'Edm.Boolean'. See the inner exception for more details.");
		case 'string':
			return typeof value === 'string' ? undefined : invalid();
		case 'choice':
			return typeof value === 'string' && field.values.includes(value) ? undefined : invalid();
		case 'strings':
			return (value as unknown[]).every(item => typeof item === 'string') ? undefined : invalid();
		case 'object':
			return patchProblem(value as Record<string, unknown>, field.schema, ids);
	}
}

/** Applies a body patchProblem accepted: objects are merged, anything else replaced. */
function applyPatch(target: Record<string, unknown>, body: Record<string, unknown>, schema: Schema): void {
	for (const [name, field] of Object.entries(schema.fields)) {
		if (!Object.hasOwn(body, name)) continue;
		const value = body[name];
		if (field.kind === 'object') applyPatch(target[name] as Record<string, unknown>, value as Record<string, unknown>, field.schema);
		else target[name] = Array.isArray(value) ? [...(value as unknown[])] : value;
	}
}
