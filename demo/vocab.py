"""Indian vocabularies for the demo data: people, places, food, banks, vehicles.

Places are real localities with their PIN codes and a map pin inside them
(approximate, to three decimals); brands and people are invented.
"""

from gatimitra.enums import FoodType, VehicleType


def _words(text):
    return tuple(text.split())


# People ----------------------------------------------------------------------

MALE_FIRST = _words(
    "Aarav Vivaan Aditya Vihaan Arjun Sai Reyansh Ayaan Krishna Ishaan Shaurya Atharv "
    "Rohan Rahul Amit Sanjay Vikram Karthik Pranav Nikhil Suresh Ramesh Manoj Deepak "
    "Anil Sunil Rajesh Harish Naveen Praveen Abhishek Ankit Gaurav Varun Siddharth "
    "Kunal Yash Harsh Tushar Mohit Akash Vishal Ravi Kiran Srinivas Venkatesh Ganesh "
    "Mahesh Dinesh Rakesh Prakash Santosh Mukesh Imran Faizan Salman Arif Zaid Joseph "
    "Thomas Gurpreet Harpreet Manpreet Jaspreet Sandeep Pradeep Ajay Vijay Sachin "
    "Manjunath Basavaraj Raghav Aniket Omkar Sagar Chirag Hardik Jignesh Dhruv Kabir"
)

FEMALE_FIRST = _words(
    "Saanvi Aanya Aadhya Ananya Diya Pari Anika Navya Myra Sara Ira Kavya Priya Pooja "
    "Sneha Neha Divya Swati Anjali Shruti Deepa Lakshmi Meena Kavitha Revathi Sowmya "
    "Aishwarya Nandini Shreya Riya Tanvi Isha Nisha Preeti Rekha Sunita Geeta Sapna "
    "Bhavana Harini Keerthi Madhuri Archana Pallavi Radhika Ritu Simran Harleen Jasleen "
    "Ayesha Fatima Zoya Sana Mehreen Mary Anita Sheela Varsha Asha Usha Vidya Smita "
    "Ashwini Roopa Shilpa Tejaswini Manasa Bhavya Chaitra Nikita Komal Payal Khushi"
)

#: Surnames by region; a city mixes its own region's with the rest of India's.
SURNAMES = {
    "north": _words(
        "Sharma Verma Gupta Singh Kapoor Malhotra Arora Khanna Chopra Mehra Bansal "
        "Agarwal Jain Saxena Srivastava Mishra Tiwari Pandey Yadav Chauhan Sethi Bhatia"
    ),
    "south_ka": _words(
        "Gowda Shetty Hegde Rao Naik Kulkarni Bhat Kamath Prabhu Shenoy Patil Murthy "
        "Acharya Nayak Swamy Urs"
    ),
    "south_te": _words("Reddy Rao Naidu Varma Chowdary Raju Goud Sastry Prasad Yadav Kumar Babu"),
    "south_ta": _words(
        "Iyer Iyengar Krishnan Subramanian Raman Pillai Natarajan Sundaram Venkatesan "
        "Rajan Murugan Balasubramanian Chandrasekar Ganesan"
    ),
    "west": _words(
        "Patil Deshmukh Joshi Kulkarni Pawar Shinde Jadhav Gaikwad Shah Mehta Patel "
        "Desai Naik Sawant Kale Bhosale Chavan More"
    ),
    "east": _words("Das Banerjee Chatterjee Mukherjee Ghosh Bose Sen Roy Dutta Mahapatra"),
    "pan": _words("Khan Shaikh Ansari Qureshi Thomas George Mathew Fernandes D'Souza Menon Nair"),
}

EMAIL_DOMAINS = (
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.co.in",
    "outlook.com",
    "rediffmail.com",
)

LANGUAGES_BY_STATE = {
    "29": ("en", "kn", "hi"),
    "36": ("en", "te", "hi", "ur"),
    "27": ("en", "mr", "hi", "gu"),
    "33": ("en", "ta"),
    "07": ("en", "hi", "pa"),
}

# Places ----------------------------------------------------------------------

#: Per fixture city code: the surname regions its people come from, its
#: RTO codes for vehicle registrations, and localities as
#: ``(name, PIN code, latitude, longitude)``.
CITIES = {
    "BLR": {
        "regions": ("south_ka", "south_ka", "south_te", "south_ta", "north", "pan"),
        "rto": ("KA01", "KA02", "KA03", "KA04", "KA05", "KA41", "KA51", "KA53"),
        "localities": [
            ("Koramangala", "560034", 12.9352, 77.6245),
            ("Indiranagar", "560038", 12.9719, 77.6412),
            ("Whitefield", "560066", 12.9698, 77.7500),
            ("HSR Layout", "560102", 12.9116, 77.6473),
            ("MG Road", "560001", 12.9756, 77.6067),
            ("Jayanagar", "560041", 12.9299, 77.5826),
            ("JP Nagar", "560078", 12.9063, 77.5857),
            ("BTM Layout", "560076", 12.9166, 77.6101),
            ("Marathahalli", "560037", 12.9591, 77.6974),
            ("Electronic City", "560100", 12.8452, 77.6602),
            ("Malleshwaram", "560003", 13.0031, 77.5643),
            ("Rajajinagar", "560010", 12.9910, 77.5525),
            ("Basavanagudi", "560004", 12.9416, 77.5750),
            ("Hebbal", "560024", 13.0358, 77.5970),
            ("Bellandur", "560103", 12.9304, 77.6784),
            ("Banashankari", "560070", 12.9255, 77.5468),
        ],
        "streets": (
            "80 Feet Road",
            "100 Feet Road",
            "12th Main Road",
            "CMH Road",
            "Outer Ring Road",
            "Sarjapur Road",
            "Hosur Road",
            "Bannerghatta Road",
            "Old Airport Road",
            "27th Cross",
            "9th Main",
            "Dr Rajkumar Road",
            "Sampige Road",
            "Bull Temple Road",
        ),
        "buildings": (
            "Prestige Shantiniketan",
            "Sobha Dream Acres",
            "Brigade Gateway",
            "Purva Riviera",
            "Salarpuria Greenage",
            "Mantri Espana",
            "Adarsh Palm Retreat",
            "SNN Raj Serenity",
        ),
    },
    "HYD": {
        "regions": ("south_te", "south_te", "south_te", "north", "pan", "pan"),
        "rto": ("TS07", "TS08", "TS09", "TS10", "TS11", "TS12", "TS13"),
        "localities": [
            ("HITEC City", "500081", 17.4435, 78.3772),
            ("Gachibowli", "500032", 17.4401, 78.3489),
            ("Banjara Hills", "500034", 17.4149, 78.4341),
            ("Jubilee Hills", "500033", 17.4326, 78.4071),
            ("Madhapur", "500081", 17.4483, 78.3915),
            ("Kondapur", "500084", 17.4622, 78.3568),
            ("Kukatpally", "500072", 17.4948, 78.3996),
            ("Ameerpet", "500016", 17.4375, 78.4482),
            ("Secunderabad", "500003", 17.4399, 78.4983),
            ("Manikonda", "500089", 17.4045, 78.3869),
        ],
        "streets": (
            "Road No. 36",
            "Road No. 12",
            "Cyber Towers Road",
            "Old Mumbai Highway",
            "Botanical Garden Road",
            "KPHB Road",
            "SP Road",
            "Kondapur Main Road",
        ),
        "buildings": (
            "My Home Jewel",
            "Aparna Sarovar",
            "Lodha Meridian",
            "Rajapushpa Atria",
            "Ramky Towers",
            "Mantri Celestia",
        ),
    },
    "MUM": {
        "regions": ("west", "west", "west", "north", "pan", "east"),
        "rto": ("MH01", "MH02", "MH03", "MH04", "MH47"),
        "localities": [
            ("Andheri West", "400058", 19.1364, 72.8296),
            ("Bandra West", "400050", 19.0596, 72.8295),
            ("Lower Parel", "400013", 18.9955, 72.8300),
            ("Powai", "400076", 19.1176, 72.9060),
            ("Juhu", "400049", 19.1075, 72.8263),
            ("Goregaon East", "400063", 19.1663, 72.8526),
            ("Malad West", "400064", 19.1874, 72.8484),
            ("Dadar", "400014", 19.0178, 72.8478),
            ("Chembur", "400071", 19.0522, 72.9005),
            ("Worli", "400018", 19.0176, 72.8172),
        ],
        "streets": (
            "Linking Road",
            "SV Road",
            "Hill Road",
            "Senapati Bapat Marg",
            "LBS Marg",
            "Juhu Tara Road",
            "Hiranandani Gardens",
            "Carter Road",
            "Turner Road",
        ),
        "buildings": (
            "Lodha Bellissimo",
            "Oberoi Springs",
            "Hiranandani Eden",
            "Kalpataru Aura",
            "Raheja Vihar",
            "Rustomjee Elanza",
        ),
    },
    "CHE": {
        "regions": ("south_ta", "south_ta", "south_ta", "south_te", "pan"),
        "rto": ("TN01", "TN02", "TN05", "TN07", "TN09", "TN10", "TN22"),
        "localities": [
            ("T. Nagar", "600017", 13.0418, 80.2337),
            ("Adyar", "600020", 13.0067, 80.2577),
            ("Anna Nagar", "600040", 13.0850, 80.2101),
            ("Velachery", "600042", 12.9750, 80.2212),
            ("Mylapore", "600004", 13.0339, 80.2619),
            ("Nungambakkam", "600034", 13.0569, 80.2425),
            ("Thoraipakkam", "600097", 12.9352, 80.2335),
            ("Porur", "600116", 13.0382, 80.1565),
        ],
        "streets": (
            "Usman Road",
            "LB Road",
            "2nd Avenue",
            "100 Feet Road",
            "Luz Church Road",
            "Khader Nawaz Khan Road",
            "Rajiv Gandhi Salai",
            "Arcot Road",
        ),
        "buildings": (
            "Casagrand Royale",
            "TVH Lumbini Square",
            "Appaswamy Greensville",
            "Prestige Bella Vista",
            "Jains Inseli Park",
        ),
    },
    "DEL": {
        "regions": ("north", "north", "north", "north", "pan", "east"),
        "rto": ("DL1C", "DL2C", "DL3C", "DL4C", "DL8C", "DL9C", "DL12"),
        "localities": [
            ("Connaught Place", "110001", 28.6315, 77.2167),
            ("Hauz Khas", "110016", 28.5494, 77.2001),
            ("Lajpat Nagar", "110024", 28.5677, 77.2433),
            ("Saket", "110017", 28.5245, 77.2066),
            ("Rajouri Garden", "110027", 28.6492, 77.1226),
            ("Karol Bagh", "110005", 28.6519, 77.1909),
            ("Vasant Kunj", "110070", 28.5200, 77.1590),
        ],
        "streets": (
            "Aurobindo Marg",
            "Ring Road",
            "Press Enclave Marg",
            "Pusa Road",
            "Nelson Mandela Marg",
            "Ajmal Khan Road",
            "Outer Circle",
        ),
        "buildings": (
            "DLF Capital Greens",
            "Saket Court Residency",
            "Mayfair Gardens",
            "Kailash Apartments",
        ),
    },
    "PNQ": {
        "regions": ("west", "west", "west", "north", "pan"),
        "rto": ("MH12", "MH14"),
        "localities": [
            ("Koregaon Park", "411001", 18.5362, 73.8939),
            ("Kothrud", "411038", 18.5074, 73.8077),
            ("Baner", "411045", 18.5590, 73.7868),
            ("Viman Nagar", "411014", 18.5679, 73.9143),
        ],
        "streets": ("North Main Road", "Karve Road", "Baner Road", "Nagar Road"),
        "buildings": ("Amanora Park Town", "Kumar Pacific", "Panchshil Towers"),
    },
}

FLOORS = ("Ground", "1st", "2nd", "3rd", "4th", "5th", "7th", "9th", "12th")
LANDMARKS = (
    "Near Cafe Coffee Day",
    "Opposite SBI ATM",
    "Behind the temple",
    "Next to Reliance Fresh",
    "Near the metro station",
    "Opposite the park",
    "Above Apollo Pharmacy",
    "Near Big Bazaar",
)
DELIVERY_INSTRUCTIONS = (
    "",
    "",
    "",
    "Leave at the door",
    "Call on arrival",
    "Hand it to the security",
    "Don't ring the bell, baby sleeping",
    "Gate 2, tower B",
)

# Food ------------------------------------------------------------------------

#: Per fixture cuisine code: store name patterns and dishes as
#: ``(name, food type, price in rupees)``. ``{locality}``/``{surname}``
#: are filled in.
CUISINES = {
    "NORTH_INDIAN": {
        "stores": (
            "Punjab Grill House",
            "Dilli Zaika",
            "Amritsari Dhaba",
            "{surname} Da Dhaba",
            "Rasoi {locality}",
            "Lahori Tadka",
        ),
        "dishes": [
            ("Paneer Butter Masala", FoodType.VEG, 260),
            ("Dal Makhani", FoodType.VEG, 210),
            ("Butter Chicken", FoodType.NON_VEG, 320),
            ("Kadai Paneer", FoodType.VEG, 250),
            ("Chole Bhature", FoodType.VEG, 150),
            ("Rajma Chawal", FoodType.VEG, 160),
            ("Aloo Paratha", FoodType.VEG, 90),
            ("Tandoori Roti", FoodType.VEG, 25),
            ("Butter Naan", FoodType.VEG, 45),
            ("Jeera Rice", FoodType.VEG, 130),
            ("Chicken Tikka", FoodType.NON_VEG, 290),
            ("Malai Kofta", FoodType.VEG, 240),
            ("Veg Thali", FoodType.VEG, 180),
            ("Lassi", FoodType.VEG, 70),
            ("Gulab Jamun", FoodType.VEG, 60),
        ],
    },
    "SOUTH_INDIAN": {
        "stores": (
            "Sri {surname} Tiffins",
            "Annapoorna Bhavan",
            "Udupi Sagar",
            "{locality} Darshini",
            "Mylari Dosa Corner",
            "Vasudev Adigas Style Cafe",
        ),
        "dishes": [
            ("Masala Dosa", FoodType.VEG, 90),
            ("Idli Vada", FoodType.VEG, 60),
            ("Set Dosa", FoodType.VEG, 80),
            ("Rava Idli", FoodType.VEG, 70),
            ("Pongal", FoodType.VEG, 75),
            ("Medu Vada", FoodType.VEG, 50),
            ("Bisi Bele Bath", FoodType.VEG, 85),
            ("Curd Rice", FoodType.VEG, 70),
            ("Lemon Rice", FoodType.VEG, 65),
            ("Onion Uttapam", FoodType.VEG, 95),
            ("Mini Meals", FoodType.VEG, 120),
            ("Filter Coffee", FoodType.VEG, 35),
            ("Kesari Bath", FoodType.VEG, 50),
            ("Ghee Roast Dosa", FoodType.VEG, 120),
        ],
    },
    "BIRYANI": {
        "stores": (
            "Biryani Darbar",
            "Paradise Dum House",
            "Nawabi Handi",
            "{locality} Biryani Point",
            "Shah Ghouse Style Biryani",
            "Dum Pukht Kitchen",
        ),
        "dishes": [
            ("Chicken Dum Biryani", FoodType.NON_VEG, 280),
            ("Mutton Biryani", FoodType.NON_VEG, 360),
            ("Veg Dum Biryani", FoodType.VEG, 210),
            ("Egg Biryani", FoodType.EGG, 200),
            ("Hyderabadi Chicken 65", FoodType.NON_VEG, 240),
            ("Mirchi Ka Salan", FoodType.VEG, 90),
            ("Double Ka Meetha", FoodType.VEG, 80),
            ("Chicken Kebab", FoodType.NON_VEG, 260),
            ("Boondi Raita", FoodType.VEG, 40),
            ("Paneer Biryani", FoodType.VEG, 240),
        ],
    },
    "MUGHLAI": {
        "stores": ("Karim's Kitchen", "Mughal Darbar", "Nizami Zaika", "Shahi Dastarkhwan"),
        "dishes": [
            ("Mutton Rogan Josh", FoodType.NON_VEG, 380),
            ("Chicken Korma", FoodType.NON_VEG, 320),
            ("Seekh Kebab", FoodType.NON_VEG, 280),
            ("Nihari", FoodType.NON_VEG, 360),
            ("Shahi Paneer", FoodType.VEG, 260),
            ("Rumali Roti", FoodType.VEG, 30),
            ("Sheermal", FoodType.VEG, 45),
            ("Phirni", FoodType.VEG, 70),
            ("Chicken Changezi", FoodType.NON_VEG, 340),
        ],
    },
    "CHINESE": {
        "stores": ("Wok Express", "Dragon Bowl", "Chung Wah", "Hakka House", "Mainland Wok"),
        "dishes": [
            ("Veg Hakka Noodles", FoodType.VEG, 180),
            ("Chicken Fried Rice", FoodType.NON_VEG, 220),
            ("Gobi Manchurian", FoodType.VEG, 170),
            ("Chilli Chicken", FoodType.NON_VEG, 240),
            ("Veg Momos", FoodType.VEG, 120),
            ("Chicken Momos", FoodType.NON_VEG, 150),
            ("Schezwan Fried Rice", FoodType.VEG, 190),
            ("Hot and Sour Soup", FoodType.VEG, 110),
            ("Chilli Paneer", FoodType.VEG, 220),
            ("Egg Fried Rice", FoodType.EGG, 180),
        ],
    },
    "STREET_FOOD": {
        "stores": (
            "Chaat Chowk",
            "Mumbai Vada Pav Co",
            "{locality} Chaat Bhandar",
            "Bombay Bhel House",
        ),
        "dishes": [
            ("Pani Puri", FoodType.VEG, 50),
            ("Pav Bhaji", FoodType.VEG, 130),
            ("Vada Pav", FoodType.VEG, 30),
            ("Sev Puri", FoodType.VEG, 60),
            ("Dahi Puri", FoodType.VEG, 70),
            ("Samosa", FoodType.VEG, 25),
            ("Aloo Tikki Chaat", FoodType.VEG, 70),
            ("Misal Pav", FoodType.VEG, 110),
            ("Kathi Roll", FoodType.NON_VEG, 140),
        ],
    },
    "CHETTINAD": {
        "stores": ("Chettinad Mess", "Karaikudi Kitchen", "Anjappar Style Mess"),
        "dishes": [
            ("Chicken Chettinad", FoodType.NON_VEG, 290),
            ("Pepper Mutton Fry", FoodType.NON_VEG, 340),
            ("Kothu Parotta", FoodType.EGG, 170),
            ("Parotta", FoodType.VEG, 40),
            ("Nattu Kozhi Kuzhambu", FoodType.NON_VEG, 310),
            ("Fish Fry", FoodType.NON_VEG, 260),
            ("Veg Kurma", FoodType.VEG, 150),
        ],
    },
    "KERALA": {
        "stores": ("Kerala Kitchen", "Malabar Spice", "Kappa and Meen", "Thalassery House"),
        "dishes": [
            ("Appam with Stew", FoodType.VEG, 150),
            ("Malabar Parotta", FoodType.VEG, 45),
            ("Kerala Fish Curry", FoodType.NON_VEG, 290),
            ("Thalassery Biryani", FoodType.NON_VEG, 300),
            ("Puttu Kadala", FoodType.VEG, 110),
            ("Beef Fry", FoodType.NON_VEG, 260),
            ("Avial", FoodType.VEG, 130),
        ],
    },
    "DESSERTS": {
        "stores": ("Sweet Truth", "Mithai Mahal", "{surname} Sweets", "Kulfi Junction"),
        "dishes": [
            ("Rasmalai", FoodType.VEG, 90),
            ("Kaju Katli 250g", FoodType.VEG, 320),
            ("Gajar Halwa", FoodType.VEG, 110),
            ("Mango Kulfi", FoodType.VEG, 70),
            ("Chocolate Brownie", FoodType.EGG, 120),
            ("Rasgulla", FoodType.VEG, 60),
            ("Jalebi 250g", FoodType.VEG, 90),
            ("Mysore Pak", FoodType.VEG, 140),
        ],
    },
    "BEVERAGES": {
        "stores": (
            "Chai Point Corner",
            "Chai Sutta Adda",
            "Juice Junction",
            "Third Wave Style Coffee",
        ),
        "dishes": [
            ("Masala Chai", FoodType.VEG, 30),
            ("Cold Coffee", FoodType.VEG, 120),
            ("Mango Lassi", FoodType.VEG, 90),
            ("Fresh Lime Soda", FoodType.VEG, 70),
            ("Watermelon Juice", FoodType.VEG, 90),
            ("Badam Milk", FoodType.VEG, 60),
            ("Filter Coffee", FoodType.VEG, 35),
            ("Cappuccino", FoodType.VEG, 150),
        ],
    },
    "BAKERY": {
        "stores": ("Iyengar Bakery", "Hot Breads", "{locality} Bakes", "Theobroma Style Bakery"),
        "dishes": [
            ("Veg Puff", FoodType.VEG, 30),
            ("Egg Puff", FoodType.EGG, 35),
            ("Honey Cake", FoodType.EGG, 40),
            ("Black Forest Cake 500g", FoodType.EGG, 450),
            ("Butter Cookies 200g", FoodType.VEG, 120),
            ("Chicken Puff", FoodType.NON_VEG, 45),
            ("Khara Bun", FoodType.VEG, 25),
            ("Plum Cake", FoodType.EGG, 280),
        ],
    },
    "PIZZA": {
        "stores": ("Pizza Planet", "Oven Story Express", "Slice of Napoli", "Crust and Co"),
        "dishes": [
            ("Margherita Pizza", FoodType.VEG, 199),
            ("Farmhouse Pizza", FoodType.VEG, 299),
            ("Paneer Tikka Pizza", FoodType.VEG, 329),
            ("Chicken Pepperoni Pizza", FoodType.NON_VEG, 399),
            ("Garlic Bread", FoodType.VEG, 129),
            ("Peri Peri Fries", FoodType.VEG, 119),
            ("Chicken Wings", FoodType.NON_VEG, 249),
            ("Choco Lava Cake", FoodType.EGG, 109),
        ],
    },
}

VARIANTS = {
    "pizza": (("Regular", 1.0), ("Medium", 1.6), ("Large", 2.2)),
    "portion": (("Half", 0.6), ("Full", 1.0)),
    "drink": (("Regular", 1.0), ("Large", 1.4)),
}
ADDON_GROUPS = {
    "PIZZA": (
        "Extra toppings",
        [
            ("Extra cheese", FoodType.VEG, 60),
            ("Jalapenos", FoodType.VEG, 40),
            ("Olives", FoodType.VEG, 40),
            ("Chicken sausage", FoodType.NON_VEG, 80),
        ],
    ),
    "BIRYANI": (
        "Extras",
        [
            ("Boondi Raita", FoodType.VEG, 30),
            ("Salan", FoodType.VEG, 30),
            ("Boiled Egg", FoodType.EGG, 20),
        ],
    ),
    "NORTH_INDIAN": (
        "Breads",
        [
            ("Butter Naan", FoodType.VEG, 45),
            ("Tandoori Roti", FoodType.VEG, 25),
            ("Laccha Paratha", FoodType.VEG, 55),
        ],
    ),
    "SOUTH_INDIAN": (
        "Add-ons",
        [
            ("Extra Chutney", FoodType.VEG, 10),
            ("Extra Sambar", FoodType.VEG, 15),
            ("Ghee", FoodType.VEG, 20),
        ],
    ),
    "CHINESE": ("Dips", [("Schezwan Sauce", FoodType.VEG, 20), ("Chilli Oil", FoodType.VEG, 20)]),
}
CATEGORY_NAMES = (
    "Recommended",
    "Starters",
    "Main Course",
    "Breads",
    "Rice and Biryani",
    "Combos",
    "Desserts",
    "Beverages",
)
COOKING_INSTRUCTIONS = (
    "",
    "",
    "",
    "Less spicy",
    "Medium spicy",
    "Extra spicy",
    "No onion no garlic",
)
CUSTOMER_NOTES = (
    "",
    "",
    "",
    "",
    "Please send cutlery",
    "Ring the bell twice",
    "Call when you reach",
)
SEARCHES = (
    "biryani",
    "masala dosa",
    "pizza",
    "idli",
    "momos",
    "cake",
    "paneer",
    "thali",
    "chai",
    "burger",
    "rolls",
    "north indian",
    "desserts near me",
    "coffee",
    "noodles",
)

# Money -----------------------------------------------------------------------

#: ``(bank name, IFSC prefix)``
BANKS = (
    ("State Bank of India", "SBIN"),
    ("HDFC Bank", "HDFC"),
    ("ICICI Bank", "ICIC"),
    ("Axis Bank", "UTIB"),
    ("Kotak Mahindra Bank", "KKBK"),
    ("Punjab National Bank", "PUNB"),
    ("Canara Bank", "CNRB"),
    ("Bank of Baroda", "BARB"),
    ("Indian Bank", "IDIB"),
    ("IDFC First Bank", "IDFB"),
    ("Yes Bank", "YESB"),
    ("IndusInd Bank", "INDB"),
)
UPI_HANDLES = ("okaxis", "okhdfcbank", "okicici", "oksbi", "ybl", "paytm", "ibl", "axl")
CARD_ISSUERS = ("HDFC Bank", "ICICI Bank", "SBI Card", "Axis Bank", "Kotak Mahindra Bank")

# Vehicles and devices ---------------------------------------------------------

#: vehicle type -> ``(make, model, fuel type)``
VEHICLES = {
    VehicleType.MOTORCYCLE: (
        ("Hero", "Splendor Plus", "PETROL"),
        ("Honda", "Shine 125", "PETROL"),
        ("Bajaj", "Pulsar 150", "PETROL"),
        ("TVS", "Apache RTR 160", "PETROL"),
        ("Honda", "Activa 6G", "PETROL"),
        ("TVS", "Jupiter", "PETROL"),
        ("Suzuki", "Access 125", "PETROL"),
    ),
    VehicleType.EV_SCOOTER: (
        ("Ather", "450X", "ELECTRIC"),
        ("Ola", "S1 Air", "ELECTRIC"),
        ("TVS", "iQube", "ELECTRIC"),
        ("Bajaj", "Chetak", "ELECTRIC"),
    ),
    VehicleType.BICYCLE: (
        ("Hero", "Sprint", "NONE"),
        ("Hercules", "Roadeo", "NONE"),
        ("Btwin", "Rockrider", "NONE"),
    ),
    VehicleType.AUTO_RICKSHAW: (
        ("Bajaj", "RE Compact", "CNG"),
        ("Piaggio", "Ape City", "CNG"),
        ("TVS", "King", "CNG"),
    ),
    VehicleType.E_RICKSHAW: (
        ("Mahindra", "Treo", "ELECTRIC"),
        ("Kinetic", "Safar Smart", "ELECTRIC"),
    ),
    VehicleType.CAR_HATCHBACK: (
        ("Maruti Suzuki", "WagonR", "CNG"),
        ("Hyundai", "Grand i10 Nios", "PETROL"),
        ("Tata", "Tiago", "CNG"),
    ),
    VehicleType.CAR_SEDAN: (
        ("Maruti Suzuki", "Dzire", "CNG"),
        ("Hyundai", "Aura", "CNG"),
        ("Toyota", "Etios", "DIESEL"),
        ("Honda", "Amaze", "PETROL"),
    ),
    VehicleType.CAR_SUV: (
        ("Maruti Suzuki", "Ertiga", "CNG"),
        ("Toyota", "Innova Crysta", "DIESEL"),
        ("Mahindra", "Marazzo", "DIESEL"),
    ),
}
COLOURS = ("Black", "White", "Silver", "Red", "Blue", "Grey", "Yellow", "Green")
PHONES = (
    ("Redmi Note 13", "Android 14"),
    ("Samsung Galaxy M34", "Android 14"),
    ("Realme Narzo 60", "Android 13"),
    ("Vivo Y27", "Android 13"),
    ("OnePlus Nord CE 3", "Android 14"),
    ("Poco X5", "Android 13"),
    ("Samsung Galaxy A15", "Android 14"),
    ("iPhone 13", "iOS 17.5"),
    ("iPhone 15", "iOS 18.1"),
)
APP_VERSIONS = ("5.10.2", "5.11.0", "5.12.0", "5.12.1")
