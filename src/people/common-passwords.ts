// The commonest passwords (and the words they are built on) from the published breach-corpus top lists. A password
// is refused when it is one of these, or is one of the words with digits or symbols added around it.
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `1234567890 0987654321 qwertyuiop asdfghjkl zxcvbnm 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx3edc zaq12wsxcde3
  123qweasdzxc qweasdzxc123 qazwsxedc qazwsxedc123 q1w2e3r4t5 q1w2e3r4t5y6 1234qwer 1234qwerty qwerty1234
  qwerty12345 qwerty123456 123456789a a123456789 123123123123 1234512345 1122334455 1234554321 9876543210
  abcdefghij abcd1234 abc123456789 aaaaaaaaaa 1111111111 0000000000 11111111111 passwordpassword
  correcthorsebatterystaple letmeinplease changemenow trustno1 p@ssw0rd p@ssword passw0rd pa55word`.split(/\s+/),
)

export const COMMON_WORDS: ReadonlySet<string> = new Set(
  `password passwort motdepasse contrasena qwerty qwertz azerty welcome letmein iloveyou admin administrator
  root changeme secret master monkey dragon football baseball soccer hockey princess sunshine shadow superman
  batman starwars pokemon whatever computer internet trustno login access freedom hello hellothere michael
  jennifer jordan charlie daniel thomas summer winter spring autumn love lovely angel flower killer hunter
  ranger buster tigger cookie cheese banana orange purple chocolate mustang harley ferrari corvette matrix
  umbra umbraadmin marketing company google facebook linkedin instagram twitter qwertyuiop asdfgh zxcvbn
  test tester testing testtest guest default user username`.split(/\s+/),
)
