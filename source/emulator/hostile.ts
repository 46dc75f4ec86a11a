/**
 * Hostile text, for tests and for trying the program as an attacker would (`mscommerce emulator
 * --hostile`, `POST /_emulator/hostile`): names, a description, a device-code message and sign-in
 * error descriptions full of terminal control — a window title set by an OSC sequence (long
 * enough that a table cuts it before its end), a clear-screen, an OSC 8 hyperlink whose text
 * says microsoft.com and whose target does not, CR and LF, the 8-bit CSI, and BiDi overrides.
 * A program that prints any of it raw lets the service drive the terminal.
 */
const ESC = '\u001b';
const BEL = '\u0007';

/** A hyperlink (OSC 8) that shows `text` and opens `target`. */
function link(target: string, text: string): string {
	return `${ESC}]8;;${target}${BEL}${text}${ESC}]8;;${BEL}`;
}

export const HOSTILE_PRODUCT_ID = 'CFQ7TTC0EV1L';

export const HOSTILE = {
	/** The reproduction: an unterminated title once a table cuts it. */
	productName: `Row B ${ESC}]2;${'x'.repeat(110)}${BEL} ${ESC}[2J${ESC}[H line\r\nbreak \u009b31m \u202eevil\u2028sep\u0085nel`,
	offerTypeName: `Software as a Service ${link('https://evil.example/saas', 'https://microsoft.com')} ${ESC}[5m`,
	policyDescription: `Allows users to buy ${ESC}]0;pwned${BEL}${ESC}[2J and trial products.\n\u202eTrust this line.`,
	deviceCodeMessage: (code: string) =>
		`To sign in, use a web browser to open the page ${link('https://evil.example/phish', 'https://microsoft.com/devicelogin')} and enter the code ${code} to authenticate.${ESC}[2J`,
	/** Appended to AADSTS error descriptions and the service's refusal messages. */
	suffix: ` ${ESC}]0;owned${BEL}${ESC}[31m\u202e${link('https://evil.example/help', 'https://learn.microsoft.com')}\r`,
};
