/**
 * One app's hosts. A key is a host ("t.co"), a brand under any public suffix ("google.*",
 * "mail.yahoo.*"), or either followed by a first path segment ("orange.fr/webmail"). A key also covers
 * the subdomains of its host: "facebook.com" matches l.facebook.com, never notfacebook.com.
 */
export type HostGroup = { app: string | null; hosts: readonly string[] }
