/**
 * The tenant-wide switches (docs/switches.md): besides each product's self-service purchase
 * value, who may buy or trial is decided by a few Microsoft Graph settings of the whole tenant.
 * One table: each switch's name (as the CLI and baselines spell it), what `on` allows, who may
 * change it, and where it lives in Graph (object, property, permissions). Everything else
 * (the Graph client, the commands, explain) reads it from here.
 */
import type {GraphRequest} from '../problems/errors.js';
import {suggest} from '../text/suggest.js';

export const SWITCH_NAMES = ['emailSignUp', 'emailJoin', 'trialsOnBehalfOfOrg', 'officeStore'] as const;
export type SwitchName = (typeof SWITCH_NAMES)[number];

/** A Graph object that holds switches. */
export type GraphObjectId = 'authorizationPolicy' | 'appsAndServices';

export type GraphObject = {
	id: GraphObjectId;
	/** Below --graph-url: the API version and the object's path. */
	path: string;
	/** Graph's beta API: may be missing in a tenant or cloud (then its switches read as unknown). */
	beta: boolean;
	/** Delegated permission to read it (the same name as the application permission). */
	readPermission: string;
	/** Delegated permission to change it. */
	writePermission: string;
	/** Who may change it, as the list's column and a 403's hint say it. */
	whoMayChange: string;
};

export const GRAPH_OBJECTS: Readonly<Record<GraphObjectId, GraphObject>> = {
	authorizationPolicy: {
		id: 'authorizationPolicy',
		path: '/v1.0/policies/authorizationPolicy',
		beta: false,
		readPermission: 'Policy.Read.All',
		writePermission: 'Policy.ReadWrite.Authorization',
		whoMayChange: 'Privileged Role Administrator or Global Administrator',
	},
	appsAndServices: {
		id: 'appsAndServices',
		path: '/beta/admin/appsAndServices',
		beta: true,
		readPermission: 'OrgSettings-AppsAndServices.Read.All',
		writePermission: 'OrgSettings-AppsAndServices.ReadWrite.All',
		whoMayChange: 'Global Administrator',
	},
};

export type SwitchDefinition = {
	name: SwitchName;
	/** Short words for sentences: "<label> is on". */
	label: string;
	/** One sentence: what `on` allows. */
	allows: string;
	object: GraphObjectId;
	/** The property's path in the object as Graph answers it (and as a PATCH sends it). */
	property: readonly string[];
};

export const SWITCHES: readonly SwitchDefinition[] = [
	{
		name: 'emailSignUp',
		label: 'sign-up for email-based subscriptions',
		allows: 'Users may sign up for email-based subscriptions (self-service sign-up) themselves.',
		object: 'authorizationPolicy',
		property: ['allowedToSignUpEmailBasedSubscriptions'],
	},
	{
		name: 'emailJoin',
		label: 'joining by verified email',
		allows: 'Users with a verified email address in one of your domains may join the organization.',
		object: 'authorizationPolicy',
		property: ['allowEmailVerifiedUsersToJoinOrganization'],
	},
	{
		name: 'trialsOnBehalfOfOrg',
		label: 'trials on behalf of the organization',
		allows: 'Users may start trials of apps and services on behalf of the organization.',
		object: 'appsAndServices',
		property: ['settings', 'isAppAndServicesTrialEnabled'],
	},
	{
		name: 'officeStore',
		label: 'access to the Office Store',
		allows: 'Users may access the Office Store.',
		object: 'appsAndServices',
		property: ['settings', 'isOfficeStoreEnabled'],
	},
];

const BY_NAME = new Map(SWITCHES.map(definition => [definition.name.toLowerCase(), definition]));

/** The switch names nearest to one that names none: "did you mean" (text/suggest.ts), and the names holding what was typed (`trials`). */
export function nearSwitchNames(text: string): string[] {
	const typed = text.trim().toLowerCase();
	if (typed.length === 0) return [];
	const holding = typed.length >= 3 ? SWITCH_NAMES.filter(name => name.toLowerCase().includes(typed)) : [];
	return [...new Set([...suggest(typed, SWITCH_NAMES), ...holding])];
}

/** The switch a user named (any case), or undefined. */
export function switchNamed(text: string): SwitchDefinition | undefined {
	return BY_NAME.get(text.trim().toLowerCase());
}

export function definitionOf(name: SwitchName): SwitchDefinition {
	return BY_NAME.get(name.toLowerCase())!;
}

/** Who may change a switch: the object's roles and its write permission. */
export function whoMayChange(definition: SwitchDefinition): string {
	const object = GRAPH_OBJECTS[definition.object];
	return `${object.whoMayChange} (${object.writePermission})`;
}

/** The switches an object holds, in the table's order. */
export function switchesOf(object: GraphObjectId): SwitchDefinition[] {
	return SWITCHES.filter(definition => definition.object === object);
}

/** The permissions to read every switch (a token for reading asks for these and no more). */
export function readPermissions(): string[] {
	return Object.values(GRAPH_OBJECTS).map(object => object.readPermission);
}

/** What the classifier needs to know about a request to an object (the hint of a 403). */
export function graphRequest(object: GraphObjectId, write: boolean): GraphRequest {
	const it = GRAPH_OBJECTS[object];
	return {object: it.id, beta: it.beta, write, permission: write ? it.writePermission : it.readPermission, roles: it.whoMayChange};
}

/**
 * Graph scopes for permissions: `{origin of --graph-url}/{permission}`. The resource is the Graph
 * URL's origin, for Microsoft's Graph, a sovereign cloud's and any other https server alike.
 */
export function graphScopes(graphUrl: string, permissions: readonly string[]): string[] {
	const origin = new URL(graphUrl).origin;
	return permissions.map(permission => `${origin}/${permission}`);
}

/** The app-only scope for Graph: `{origin}/.default` (the app's consented application permissions). */
export function graphDefaultScope(graphUrl: string): string {
	return `${new URL(graphUrl).origin}/.default`;
}
