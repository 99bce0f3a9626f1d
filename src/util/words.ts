/** The lowercase words of an identifier: `SLACK_WEBHOOK_URL`, `webhookUrl` and `#webhook_url` give `webhook`, `url`. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}
