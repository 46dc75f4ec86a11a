/** What sign-in tells its callers (the dashboard and the CLI). */

export type DeviceCodePrompt = {
	userCode: string;
	verificationUri: string;
	/** When the code stops working (epoch ms). */
	expiresAt: number;
	/** MSAL's own sentence, unchanged. */
	message: string;
};

export type AccountSummary = {
	username: string;
	tenantId: string;
	/** A display name for the tenant, where known (domain or ID). */
	tenantName?: string;
	/** Role names found in the token (Global admin, Billing admin, Global reader). */
	roles: string[];
	/** true / false when the roles say, undefined when they do not. */
	canChange: boolean | undefined;
};
