// The vocabulary of catalogue titles. A small word list drawn from many times means
// different queries ("cat", "happy cat", "dance") return different but overlapping
// result sets, which is what caching and pagination tests need.

export const SUBJECTS = [
  "cat",
  "dog",
  "panda",
  "otter",
  "robot",
  "wizard",
  "pizza",
  "coffee",
  "baby",
  "penguin",
  "llama",
  "unicorn",
  "ghost",
  "dragon",
  "kitten",
  "puppy",
  "frog",
  "duck",
  "astronaut",
  "ninja",
] as const;

export const ACTIONS = [
  "dance",
  "jump",
  "sleep",
  "laugh",
  "cry",
  "wave",
  "spin",
  "run",
  "eat",
  "sing",
  "fail",
  "win",
  "hug",
  "wink",
  "shrug",
] as const;

export const MOODS = [
  "happy",
  "sad",
  "angry",
  "excited",
  "funny",
  "cute",
  "sleepy",
  "confused",
  "party",
  "love",
] as const;

export const USERNAMES = [
  "",
  "",
  "pixelpals",
  "loopstudio",
  "gifmesh",
  "retroframes",
  "",
  "animalkingdom",
] as const;

export const RATINGS = ["g", "g", "g", "pg", "pg", "pg-13", "r"] as const;

export type FixtureRating = (typeof RATINGS)[number];
