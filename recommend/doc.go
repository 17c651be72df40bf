// Package recommend learns product recommendations from the touchpoints
// c360 holds (purchases, carts, views) and serves them in process, with
// reasons a person can read and the business rules of the shop; it also
// makes the next-best offer for the service desk.
//
// # Where to start
//
//   - Interactions come from a CSV (ReadCSV, with Columns naming the
//     columns) or from a journey.EventStore (FromEvents, with an
//     EventMapping). Add them to a Builder.
//   - Train builds a Model. Its Config's zero value chooses the algorithm
//     and the hyper-parameters on a validation split of the training data.
//   - A Recommender serves a Model under Rules: Recommend(ctx, Request)
//     returns items with scores and Reasons ("bought together with sencha
//     by 214 customers", "popular in your segment gold (120 customers)").
//   - NextBestOffer adds the customer's lifecycle stage, open service
//     issues and the send gate (consent, caps, quiet hours) to the
//     recommendation, and returns the offer with every reason.
//   - Evaluate compares the models on a time split or a per-customer
//     holdout: HR@k, recall@k, NDCG@k, MAP@k, catalogue coverage and
//     bootstrap intervals. The command c360 recommend train / eval / query
//     runs all this over CSV files.
//   - Model.WriteTo and ReadModel save and load a model in a versioned,
//     checksummed binary format (see format.go for the layout).
//
// # What is learned
//
// A customer–item pair is learned once, with a strength: 1 when bought,
// else 0.5 for a cart and 0.2 for a view (DataConfig.Weights). A return or
// cancellation — an interaction of KindReturn, or a purchase with a
// negative quantity — takes back that many purchases of the item by the
// customer; when the returns cancel every purchase, the pair is not a
// purchase any more (it stays as interest only if the customer also carted
// or viewed the item). Items listed in DataConfig.NonProduct (postage,
// fees, manual adjustments) are counted in Stats and skipped. A pair's
// weight is its strength times a recency decay 2^(−age/half-life), the age
// counted back from the latest time in the data.
//
// # Models
//
// Popularity counts the customers who chose each item, overall and per
// segment (a segment needs 20 customers for its own list); it answers a
// customer without history, and it is the baseline every evaluation
// prints first.
//
// Co-occurrence ("customers who bought this also bought") keeps, for each
// item i, its 100 best neighbours j by cosine similarity with shrinkage
// over the weighted pairs:
//
//	sim(i, j) = Σ_u w_ui w_uj / (‖w_i‖ ‖w_j‖ + shrinkage)
//
// computed item by item from the transposed data with one dense
// accumulator per worker: the cost is Σ_u (items of u)², not items².
//
// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data",
// WWW 2019) is the stronger model tried: a closed-form item-item
// regression, B = I − P·diagMat(1/diag(P)) with P = (XᵀX + λI)⁻¹ and
// diag(B) = 0. It needs the dense items × items Gram matrix (8·n² bytes)
// and its inverse (n³ operations), so it is trained only up to
// Config.EASEMaxItems (3,000 by default). Beyond it Auto trains
// co-occurrence, whose cost does not grow with the square of the
// catalogue, and an explicit request for EASE fails with
// ErrTooManyItems.
//
// A customer's score for item j adds, over the items i of their profile,
// w_i · neighbour weight(i, j); the scores are divided by their maximum and
// Blend × popularity (normalised to 1 for the best seller) is added, so
// that on data with little personal signal the model leans on popularity
// instead of losing to it. The reason shown is the profile item that
// contributed most, with the number of customers who chose both; when
// popularity makes most of the score, the reason says popular.
//
// # Choosing by measurement
//
// With Config.Algorithm Auto and hyper-parameters left at zero, Train holds
// out the latest 20% of the interactions of a sample of up to 20,000
// customers (ties at the cut held out whole, as a basket), trains on the
// rest of the sample and keeps what ranks best by recall@10 on up to 2,000
// of them: the half-life among none, the data's span and a quarter of it;
// the shrinkage among 0, 5 and 25 (co-occurrence); λ among 0.05, 0.25, 1 and 4
// times the mean diagonal of XᵀX (EASE); for each, the blend among 0, 0.03,
// 0.1, 0.3, 1 and 3; whether to leave the customer's own items out of the
// ranking (on data without repurchases they only take places) or not (a
// grocery shop), which Params.ExcludeSeen reports and Evaluate follows
// (popularity validates this choice too); and between co-occurrence and
// EASE. The search goes
// one parameter at a time (half-life first). Nothing is tuned to one file:
// the grids are relative to the data where the scale matters, and the
// model is then retrained on all the data with what won.
//
// Measured (bench/cmd/recommend -mode accuracy; recall@10, 95% bootstrap
// interval of the gain over popularity):
//
//	data                             popularity  co-occurrence        EASE                 ALS (64 factors, α 1 / 40)
//	synthetic, 3,000 customers,      0.137       0.453 [+0.30,+0.33]  0.429 [+0.28,+0.31]  0.379 / 0.355
//	  500 items, holdout last 20%
//	groceries, split 2015-07-01      0.353       0.375 [+0.016,+0.028] 0.371 [+0.012,+0.023] 0.154 / 0.154
//	catalogue coverage (groceries)   0.060       0.144                0.168                0.83 / 0.99
//
// On the synthetic data, where customers follow planted taste groups and
// co-purchase pairs and 30% drift to another group, both item-item models
// beat popularity more than three times and recover the plant (the
// partner of a paired item is among its three best neighbours, most
// neighbours share the item's group, drifted customers are served from the
// new group); co-occurrence and EASE are within a few points of each
// other and ahead of implicit ALS at its usual settings (Hu, Koren &
// Volinsky 2008; the reference in bench/ is written from the paper). On
// the groceries log, which carries little personal signal, the chosen
// blend leans on popularity: the models gain a little over it (the
// interval excludes 0) and cover two to three times more of the
// catalogue, while ALS, which has no popularity prior, falls far behind.
// Neither item-item model wins everywhere, which is why Auto measures.
//
// # Serving and business rules
//
// Rules exclude what the customer bought (unless Repurchase, or the item
// or its category is in Consumables), unavailable or restricted items,
// per-segment restrictions and the request's own exclusions; cap the
// items per category (MaxPerCategory); and multiply the scores of boosted
// items (margin or campaign items, optionally for one segment), each boost
// adding its reason. A customer the model does not know gets the most
// popular items — of their segment when the request names one large
// enough — with that reason. Ties go to the item seen first in the
// training data.
//
// Serving scores only the items the profile's neighbours reach and the
// boosted ones, in pooled buffers, and merges the rest of the catalogue in
// popularity order (their score is the popularity blend alone), so a
// request costs about (profile × neighbours) whatever the catalogue: with
// 50,000 items and 1,000,000 customers, 49 µs of CPU at the median and
// 205 µs at the 99th percentile (wall: 47 µs and 634 µs on a loaded
// machine), 76 allocations and 3.3 kB per request (bench/cmd/recommend
// -mode serve; BenchmarkRecommend50k measures the same on 50,000
// customers).
//
// # Training at shop scale
//
// Measured with bench/cmd/recommend -mode scale on 1,000,000 synthetic
// customers and about 20,000,000 interactions, on 2 cores shared with
// other work (load average 13–15, so CPU seconds are the steadier
// figure); peak is the process's resident memory, the data included:
//
//	model                      items   wall    CPU     peak
//	popularity (validated)     1,000   29.6 s   5.2 s  1.76 GiB
//	co-occurrence (fixed)      1,000   21.3 s  10.8 s  1.67 GiB
//	co-occurrence (fixed)     10,000   26.0 s  14.5 s  1.75 GiB
//	co-occurrence (fixed)     50,000   21.9 s  18.2 s  1.78 GiB
//	Auto (validation) → co-oc 50,000  165.7 s  41.7 s  1.84 GiB
//	EASE (λ validated)         1,000   38.2 s   9.0 s  1.70 GiB
//	EASE (all validated)       3,000  667.0 s 135.2 s  1.76 GiB
//
// (The EASE rows were measured with a λ grid of three values, six fits at
// 3,000 items; the grid now has four, one fit more.) Co-occurrence grows
// with Σ (items per customer)², not with the catalogue. EASE costs about
// 20 s of CPU per fit at 3,000 items; at 10,000 items one fit would take
// some 37 times longer and 1.2 GB for its matrices, at 50,000 items 20 GB:
// hence EASEMaxItems, beyond which Auto trains co-occurrence.
//
// # Updating
//
// Model.Observe adds interactions since training to the profiles it serves
// (what was just bought is excluded at once, and drives the next answer);
// the item-item model and popularity change when the host retrains, on
// the schedule it chooses, and swaps the new model in with
// Recommender.SetModel. Training reports progress through Config.Progress
// and honours cancellation.
//
// # Next-best offer and the Engine
//
// NextBestOffer takes what it needs through small interfaces, so that
// package c360's Engine can wire it: StageLookup (the lifecycle stage),
// IssueLookup (open service issues) and SendGate (a *journey.Gate fits).
// By default an open issue withholds the offer; OfferConfig.Stages limits
// offers to some stages; the gate decides for the offer's channel and
// purpose (marketing e-mail by default, the phone when an agent speaks).
package recommend
