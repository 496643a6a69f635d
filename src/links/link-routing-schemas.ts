import { z } from 'zod'
import { MAX_URL_LENGTH } from './url-policy.ts'

// What a link may carry besides its url: rules, app targets, in-app escape, password, click limit and a
// fallback. Targets are checked against the URL policy in link-routing.ts (the schema only bounds them).

const Target = z.string().max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
const nonEmptyList = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(50)

export const RuleConditions = z
  .strictObject({
    device: z.enum(['ios', 'android', 'mobile', 'desktop']).optional(),
    os: nonEmptyList(z.string().trim().min(1).max(40))
      .optional()
      .describe("operating systems as ua-parser-js names them: 'iOS', 'Android', 'Windows', 'Mac OS', 'Linux'…"),
    country: nonEmptyList(z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 alpha-2 code such as FR'))
      .optional()
      .describe("the click's country (ISO 3166 alpha-2)"),
    language: nonEmptyList(z.string().regex(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag such as fr'))
      .optional()
      .describe("first Accept-Language tag: 'fr' matches fr, fr-CH, fr-BE; 'fr-CH' only fr-CH"),
    app: nonEmptyList(z.string().regex(/^[a-z0-9_]{1,40}$/, 'must be an app id such as instagram'))
      .optional()
      .describe("the app the click came from, as stats name it: 'instagram', 'facebook', 'whatsapp', 'linkedin'…"),
  })
  .describe('all conditions of a rule must hold; a rule without conditions matches every click')

export const LinkRule = z.strictObject({ if: RuleConditions, url: Target })
export const LinkRules = z.array(LinkRule).max(20).describe('ordered: the first rule that matches answers, else url')

/** An app's URL (custom scheme or https universal/app link) and where to go when the app is not installed. */
const AppUrl = z
  .string()
  .max(MAX_URL_LENGTH)
  .regex(/^[a-zA-Z][a-zA-Z0-9+.-]*:/, 'must be an absolute URL such as myapp://item/42')
export const DeepLinks = z
  .strictObject({
    ios: z.strictObject({ url: AppUrl, fallbackUrl: Target.describe('the App Store page, or the web') }).optional(),
    android: z
      .strictObject({
        url: AppUrl,
        package: z
          .string()
          .regex(/^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)+$/, 'must be an Android package such as com.example')
          .optional()
          .describe('the app package: with it, Android opens the Play Store when the app is missing'),
        fallbackUrl: Target.describe('the Play Store page, or the web'),
      })
      .optional(),
  })
  .describe('clicks from iOS or Android (that no rule answered) open the app; the fallback when it is not installed')

const Password = z.string().min(1).max(200)
const MaxClicks = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31)
  .describe('human clicks after which the link stops')

/** The routing fields of a create. */
export const CreateRouting = {
  rules: LinkRules.optional(),
  deepLinks: DeepLinks.optional(),
  inAppEscape: z
    .boolean()
    .optional()
    .describe('clicks from in-app browsers (Instagram, Facebook, TikTok…) get a page that opens the system browser'),
  password: Password.optional().describe('visitors type it on a form before the redirect; stored as a scrypt hash'),
  maxClicks: MaxClicks.optional(),
  fallbackUrl: Target.optional().describe('where an expired link, or one past maxClicks, sends visitors (else 410)'),
}

/** The routing fields of an update: null clears. */
export const UpdateRouting = {
  rules: LinkRules.nullable().optional(),
  deepLinks: DeepLinks.nullable().optional(),
  inAppEscape: z.boolean().optional(),
  password: Password.nullable().optional(),
  maxClicks: MaxClicks.nullable().optional(),
  fallbackUrl: Target.nullable().optional(),
}

/** The routing fields of a read: the password never, only whether there is one. */
export const RoutingView = {
  rules: z.array(LinkRule),
  deepLinks: DeepLinks.nullable(),
  inAppEscape: z.boolean(),
  passwordProtected: z.boolean(),
  maxClicks: z.number().nullable(),
  fallbackUrl: z.string().nullable(),
}

export type LinkRuleInput = z.infer<typeof LinkRule>
export type DeepLinks = z.infer<typeof DeepLinks>
