import { createRandom } from '@shelfwise/classifier/random';

export interface LabelledProduct {
  text: string;
  label: string;
}

interface Category {
  label: string;
  /** Share of the rows, as in the real training set (it is imbalanced; Specialty is the smallest class). */
  share: number;
  /** Products by lower-case aisle name; over half the rows start with their aisle, as in the real set. */
  aisles: Record<string, string[]>;
}

const CATEGORIES: Category[] = [
  {
    label: 'Dry Goods & Pantry Staples',
    share: 0.34,
    aisles: {
      'cookies cakes': ['Chocolate Sandwich Cookies', 'Oatmeal Raisin Cookies', 'Shortbread'],
      'spices seasonings': ['All-Seasons Salt', 'Ground Cinnamon', 'Smoked Paprika'],
      'marinades meat preparation': [
        'Green Chile Anytime Sauce',
        'Bar-B-Q Sauce Honey Pecan',
        'Teriyaki Marinade',
      ],
      cereal: ['Wheat Chex Cereal', 'Honey Nut Oat Cereal', 'Granola'],
      'canned meals beans': ['Black Beans', 'Chili With Beans', 'Refried Beans'],
      'pasta sauce': ['Marinara Pasta Sauce', 'Tomato Basil Sauce'],
      'baking ingredients': ['Unbleached All Purpose Flour', 'Baking Soda', 'Pure Cane Sugar'],
      crackers: ['Saltine Crackers', 'Whole Wheat Crackers'],
      'chips pretzels': ['Kettle Cooked Potato Chips', 'Tortilla Chips', 'Pretzel Twists'],
      'dry pasta': ['Spaghetti', 'Penne Rigate', 'Elbow Macaroni'],
      condiments: ['Tomato Ketchup', 'Dijon Mustard', 'Mayonnaise'],
      'soup broth bouillon': ['Chicken Broth', 'Roasted Chicken Rotini Soup', 'Vegetable Bouillon Cubes'],
      'nuts seeds dried fruit': ['Roasted Almonds', 'Trail Mix', 'Dried Cranberries'],
      'candy chocolate': ['72% Cacao Dark Chocolate', 'Peanut Butter Cups', 'Gummy Bears'],
      'oils vinegars': ['Extra Virgin Olive Oil', 'Balsamic Vinegar', 'Coconut Oil'],
      'energy granola bars': ['Lean Protein & Fiber Bar', 'Dark Chocolate Coconut Granola Bars'],
      spreads: ['Creamy Peanut Butter', 'Blackberry Jelly', 'Hazelnut Spread'],
      'grains rice dried goods': ['Long Grain Brown Rice', 'Tri-Color Quinoa', 'Red Lentils'],
      'honeys syrups nectars': ['Grade A Maple Syrup', 'Raw Honey', 'Mint Chocolate Flavored Syrup'],
      'canned meat seafood': ['White Tuna In Olive Oil', 'Original Luncheon Meat'],
      'hot cereal pancake mixes': ['Buttermilk Pancake Mix', 'Rolled Oats', 'Muesli Cereal'],
      'salad dressing toppings': ['Zesty Ranch Dressing', 'Caesar Dressing', 'Croutons'],
      'doughs gelatins bake mixes': ['Walnut Brownie Mix', 'Yellow Cake Mix'],
      'canned jarred vegetables': ['Whole Kernel Corn', 'Cut Green Beans', 'Pitted Kalamata Olives'],
      'instant foods': ['Ramen Noodle Soup', 'Macaroni & Cheese', 'Microwave Popcorn'],
      'protein meal replacements': ['Protein Powder'],
    },
  },
  {
    label: 'Fresh & Perishable Items',
    share: 0.26,
    aisles: {
      'frozen meals': [
        'Mini Rigatoni With Vodka Cream Sauce',
        'Three Cheese Ziti',
        'Shrimp Alfredo',
        'Egg And Bacon Burritos',
      ],
      'frozen produce': ["Cut Russet Potatoes Steam N' Mash", 'Broccoli Florets', 'Mixed Berries'],
      yogurt: ['Strawberry Blueberry Yogurt', 'Plain Greek Yogurt', 'Vanilla Skyr'],
      'frozen dessert': ['Chocolate Fudge Layer Cake', 'Key Lime Pie'],
      'frozen pizza': ['Pizza for One Suprema Frozen Pizza', 'Thin Crust Pepperoni Pizza'],
      'packaged cheese': ['Sharp Cheddar Cheese', 'Shredded Mozzarella', 'Black Truffle Goat Cheese Log'],
      'fresh vegetables': ['Baby Spinach', 'Frisee Lettuce Bunch', 'Hass Avocados', 'Broccoli Bunch'],
      'fresh fruits': ['Bananas', 'Honeycrisp Apples', 'Strawberries', 'Blueberries'],
      milk: ['Whole Milk', 'Reduced Fat Milk', 'Almond Milk', 'Chocolate Milk'],
      eggs: ['Large Brown Eggs', 'Cage Free Eggs'],
      'lunch meat': ['Oven Roasted Turkey Breast', 'Uncured Turkey Bologna', 'Black Forest Ham'],
      'packaged poultry': ['Boneless Chicken Thighs', 'Organic Turkey Burgers', 'Chicken Breast Tenders'],
      'hot dogs bacon sausage': ['Thick Cut Bacon', 'Pork Sausage Links', 'Beef Franks'],
      'refrigerated pudding desserts': ['Cookie Dough', 'Chocolate Pudding'],
      'tofu meat alternatives': ['Extra Firm Tofu', 'Plant Based Burger'],
      'fresh herbs': ['Cilantro Bunch', 'Fresh Basil'],
      bread: ['Sourdough Bread', 'Whole Wheat Sandwich Bread', 'Bake & Break Cheese Garlic Loaf'],
      'ice cream ice': ['Double Dark Chocolate Gelato', 'Pistachio Gelato', 'Vanilla Bean Ice Cream'],
      'seafood counter': ['Atlantic Salmon Fillet', 'Raw Shrimp'],
      'frozen appetizers sides': ['Crinkle Fries French Fried Sweet Potatoes', 'Waffles'],
      cream: ['Heavy Whipping Cream', 'Creme Fraiche French Cultured Cream', 'Sour Cream'],
      butter: ['Unsalted Butter', 'Salted Sweet Cream Butter'],
      'fresh dips tapenades': ['Greek Style Hummus', 'Guacamole'],
      'meat counter': ['Ground Beef', 'Rendered Duck Fat'],
      refrigerated: ['Fruit Smoothie', 'Cottage Cheese', 'All Natural Brie'],
    },
  },
  {
    label: 'Household & Personal Care',
    share: 0.24,
    aisles: {
      'dish detergents': ['Fresh Scent Dishwasher Cleaner', 'Ultra Dish Liquid'],
      'diapers wipes': ['Overnight Diapers', 'Sensitive Baby Wipes'],
      'vitamins supplements': [
        'Multivitamin Tablets',
        'Vitamin D Supplement Drops for Infants',
        'Hemp Protein',
        'Protein Powder',
      ],
      'cat food care': [
        'Trout Feast Flaked Wet Cat Food',
        'Clumping Cat Litter',
        'Chicken Recipe in Gravy Cat Food',
      ],
      'dog food care': ['Small & Medium Dental Dog Treats', 'Adult Dry Dog Food'],
      'oral hygiene': ['Whitening Toothpaste', 'Fresh Breath Oral Rinse Mild Mint', 'Dental Floss'],
      'hair care': ['Moisturizing Shampoo', 'Conditioner', 'Non-Permanent Hair Color'],
      'body lotions soap': ['Spring Water Foaming Antibacterial Hand Wash', 'Body Lotion', 'Bar Soap'],
      laundry: ['Laundry Detergent', 'Fabric Softener', 'In-Wash Scent Booster'],
      'paper goods': ['Paper Towels', 'Bath Tissue', 'Facial Tissues'],
      'cleaning products': ['All Purpose Cleaner', 'Scrub Sponges', 'Glass Cleaner'],
      'skin care': ['Night Cream', 'Sunscreen Lotion', 'Lip Balm'],
      deodorants: ['Antiperspirant Deodorant', 'Daily Fragrance'],
      'shave needs': ['Disposable Razor', 'Shave Gel'],
      'feminine care': ['Ultra Thin Pads', 'Tampons'],
      'cold flu allergy': ['Cold Relief Tablets', 'Saline Nasal Mist', 'Dry Nose Oil'],
      'first aid': ['Adhesive Bandages', 'Antiseptic Spray'],
      'facial care': ['Clarifying Facial Wash', 'Eye Makeup Remover'],
      'trash bags liners': ['Tall Kitchen Trash Bags', 'Lawn Bags'],
      'more household': ['School Glue', 'Plunger', 'Storage Containers'],
      'air fresheners candles': [
        'Scent Oil Warmer & Refill Set',
        'Air Freshener Spray',
        'Coconut Oil Candle',
      ],
      'eye ear care': ['Lubricant Eye Drops', 'Ear Wax Removal Drops'],
    },
  },
  {
    label: 'Beverages',
    share: 0.11,
    aisles: {
      'juice nectars': ['Pure Coconut Water With Orange', 'Peach Mango Juice', 'Apple Juice'],
      'soft drinks': ['Cola', 'Ginger Ale', 'Root Beer'],
      'water seltzer sparkling water': ['Sparkling Water', 'Mineral Water', 'Pompelmo Water'],
      tea: ['Robust Golden Unsweetened Oolong Tea', 'Green Tea', 'Chai Tea Latte'],
      coffee: ['Ground Coffee', 'Cold Brew Coffee', 'Whole Bean Espresso'],
      'energy sports drinks': ['Sports Drink', 'Energy Drink'],
      'cocoa drink mixes': [
        'Hot Cocoa Mix',
        'Berry Blast Liquid Water Enhancer',
        'Sweet Tea Liquid Water Enhancer',
      ],
      'beers coolers': ['Pale Ale', 'Belgian Style Ale'],
      'red wines': ['Cabernet Sauvignon', 'Pinot Noir'],
      refrigerated: [
        'Orange Juice',
        'Lemonade',
        'Kombucha',
        'Almond Milk',
        'Chocolate Milk',
        'Fruit Smoothie',
      ],
      juice: ['Sparkling Orange Juice & Prickly Pear Beverage', 'Pomegranate Cranberry & Aloe Vera Drink'],
    },
  },
  {
    label: 'Specialty & Miscellaneous',
    share: 0.05,
    aisles: {
      'asian foods': [
        'Onion Flavor Roasted Seaweed Snack',
        'Sweet Cooking Rice Seasoning',
        'Sambal Oelek Ground Fresh Chili Paste',
        'Strawberry Fruit Chews',
        'Red Curry Paste',
      ],
      'kosher foods': ['Israeli Style Gefilte Fish', 'Sardines in Water Salt Added', 'Matzo Crackers'],
      other: ['Arrowroot Powder', 'Single Liquid Doses', 'Sunset Blush'],
      missing: ['Chub Chorizo', 'Fancy Diced Hot Chilies', 'Plain Dairy-Free Probiotic Cashewgurt'],
      international: [
        'Hacho Miso Aged & Fermented Soybeans',
        'Chilpotles in Adobo Sauce',
        'Won Ton Wrappers',
        'Kimchi',
        'Fish Sauce',
      ],
      specialty: [
        'Ball Point Pens',
        'Yahrzeit Memorial Candle',
        'Rescue Remedy',
        'Traditional Tartar Sauce',
        'Organic Rice Vinegar',
      ],
    },
  },
];

/** Words and makers every category shares: they carry no label, as in real product names. */
const MODIFIERS = [
  'Organic',
  'Natural',
  'Gluten Free',
  'Original',
  'Classic',
  'Light',
  'Fresh',
  'Low Fat',
  'Ultra',
  'Premium',
  'Mini',
  'Honey',
  'Vanilla',
  'Chocolate',
  'Strawberry',
  'Mint',
  'Lemon',
  'Garlic',
  'Sea Salt',
  'Spicy',
  'Sweet',
  'Roasted',
  'Blueberry',
  'Coconut',
  'Sparkling',
  'Fragrance Free',
  'Zesty',
  'Golden',
];
const BRANDS = [
  'Smart Ones',
  'Fancy Feast',
  'Green Valley',
  'Sunny Farms',
  'Blue Ridge',
  'Golden Harvest',
  'Happy Belly',
  'Pure Life',
  'Old Mill',
  'Harbor Bay',
  "Nature's Path",
  'Simply Good',
  "Grandma's",
  'Kirkwood',
];
const SIZES = ['12 oz', '1 lb', '500 ml', '1.5 L', '6 ct', 'Size 6', '2 Pack', '16 fl oz', '32 oz', '24 ct'];
/** The real set has comma lists after a product ("Pancake Mix, Buttermilk"): CSV writers must quote them. */
const VARIANTS = [
  'Buttermilk',
  'Marinara with Meatballs',
  'Washable',
  'No Run',
  'Dark',
  'Premium',
  'Family Size',
];

/**
 * Labelled product descriptions in the shape of the real training set, made on the spot so tests need no
 * file outside the repository. Deterministic for a seed; another seed gives other rows (a held-out set).
 * The label lies mostly in the product phrase, but not always: shared modifiers and brands add noise,
 * "Specialty" rows are partly other categories' products under an aisle like "missing" or "other", a few
 * products sit in two categories, and a small share of labels is simply wrong. A model trained on a few
 * thousand rows scores well above chance and clearly below 1, like on the real set.
 */
export function labelledProducts(count: number, seed = 1): LabelledProduct[] {
  const random = createRandom(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const pickCategory = (): Category => {
    let left = random();
    for (const category of CATEGORIES) {
      left -= category.share;
      if (left < 0) return category;
    }
    return CATEGORIES[0] as Category;
  };
  const specialty = CATEGORIES.at(-1) as Category;
  const others = CATEGORIES.slice(0, -1);

  return Array.from({ length: count }, () => {
    const category = pickCategory();
    const [aisle, products] = pick(Object.entries(category.aisles));
    // Half the Specialty rows are other categories' products: the aisle word is the only clue then.
    const borrowed = category === specialty && chance(0.5);
    const product = pick(borrowed ? pick(Object.values(pick(others).aisles)) : products);
    const words: string[] = [];
    if (chance(0.55)) words.push(borrowed ? pick(['missing', 'other']) : aisle);
    if (chance(0.3)) words.push(pick(BRANDS));
    if (chance(0.5)) words.push(pick(MODIFIERS));
    if (chance(0.1)) words.push(pick(MODIFIERS));
    words.push(product);
    if (chance(0.2)) words.push(pick(SIZES));
    let text = words.join(' ');
    if (chance(0.07)) text += `, ${pick(VARIANTS)}${chance(0.3) ? `, ${pick(SIZES)}` : ''}`;
    // Mislabelled rows, as any hand-labelled set has.
    const label = chance(0.03) ? pick(CATEGORIES).label : category.label;
    return { text, label };
  });
}
