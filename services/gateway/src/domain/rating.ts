// Giphy's rating strings and the contract's Rating enum, in one place.
import { Rating } from "@gifmesh/shared/contracts";

export const GIPHY_RATINGS = ["g", "pg", "pg-13", "r"] as const;
export type GiphyRating = (typeof GIPHY_RATINGS)[number];

const TO_ENUM: Readonly<Record<GiphyRating, Rating>> = {
  g: Rating.G,
  pg: Rating.PG,
  "pg-13": Rating.PG_13,
  r: Rating.R,
};

/** The contract's rating for a Giphy rating; undefined means "any". */
export function ratingFromGiphy(rating: GiphyRating | undefined): Rating {
  return rating ? TO_ENUM[rating] : Rating.UNSPECIFIED;
}

/** Giphy's string for a contract rating; "" when unknown. */
export function ratingToGiphy(rating: Rating): GiphyRating | "" {
  switch (rating) {
    case Rating.G:
      return "g";
    case Rating.PG:
      return "pg";
    case Rating.PG_13:
      return "pg-13";
    case Rating.R:
      return "r";
    default:
      return "";
  }
}
