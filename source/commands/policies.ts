/** mscommerce policies list | get [POLICY_ID] */
import type {Policy} from '../commerce/types.js';
import type {Context} from './context.js';
import {printList, printOne, type Column} from './output.js';

const COLUMNS: Column<Policy>[] = [
	{header: 'Policy', value: p => p.id},
	{header: 'Default', value: p => p.defaultValue},
	{header: 'Description', value: p => p.description, dropOrder: 1},
];

export async function listPolicies(ctx: Context): Promise<number> {
	const {data} = await ctx.client.listPolicies();
	printList(ctx.io, ctx.settings.output, data, COLUMNS);
	return 0;
}

export async function getPolicy(ctx: Context, policyId?: string): Promise<number> {
	const {data} = await ctx.client.getPolicy(policyId ?? ctx.settings.policyId);
	printOne(ctx.io, ctx.settings.output, data, COLUMNS);
	return 0;
}
