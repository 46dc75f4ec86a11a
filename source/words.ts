/** "1 row", "3 rows": a count with its noun, for messages in the dashboard and the commands. */
export function count(n: number, word: string, plural = `${word}s`): string {
	return `${n} ${n === 1 ? word : plural}`;
}

/**
 * A tenant as every confirmation, result and change set names it: its ID, with its domain in
 * front only when the domain is known for that tenant.
 */
export function describeTenant(tenant: {tenantId: string; tenantName?: string}): string {
	return tenant.tenantName && tenant.tenantName !== tenant.tenantId ? `${tenant.tenantName} (${tenant.tenantId})` : tenant.tenantId;
}
