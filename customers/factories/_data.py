"""Realistic Indian sample data shared by the factories."""

#: Localities with a PIN code and a map pin inside them.
PLACES = [
    {
        "locality": "Indiranagar",
        "city": "Bengaluru",
        "state": "Karnataka",
        "pincode": "560038",
        "latitude": "12.971891",
        "longitude": "77.641154",
    },
    {
        "locality": "Koramangala 5th Block",
        "city": "Bengaluru",
        "state": "Karnataka",
        "pincode": "560095",
        "latitude": "12.934533",
        "longitude": "77.626579",
    },
    {
        "locality": "Andheri West",
        "city": "Mumbai",
        "state": "Maharashtra",
        "pincode": "400058",
        "latitude": "19.136326",
        "longitude": "72.827660",
    },
    {
        "locality": "Gachibowli",
        "city": "Hyderabad",
        "state": "Telangana",
        "pincode": "500032",
        "latitude": "17.440081",
        "longitude": "78.348915",
    },
    {
        "locality": "Lajpat Nagar II",
        "city": "New Delhi",
        "state": "Delhi",
        "pincode": "110024",
        "latitude": "28.567451",
        "longitude": "77.243665",
    },
    {
        "locality": "Kothrud",
        "city": "Pune",
        "state": "Maharashtra",
        "pincode": "411038",
        "latitude": "18.507399",
        "longitude": "73.807648",
    },
]

DISHES = [
    ("Chicken Dum Biryani", "299.00"),
    ("Masala Dosa", "120.00"),
    ("Paneer Butter Masala", "260.00"),
    ("Veg Thali", "180.00"),
    ("Chole Bhature", "150.00"),
    ("Filter Coffee", "45.00"),
]

SEARCHES = ["biryani", "masala dosa", "pizza near me", "idli", "momos", "cake delivery"]
